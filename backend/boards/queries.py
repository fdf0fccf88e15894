"""Reading a whole board at once, for pages, live fragments, the API and exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlmodel import Session, col, select

from backend.boards.models import Activity, Board, Cell, Phase, TeamFunction
from backend.domain.frameworks import Framework, get_framework
from backend.domain.rules import BoardCheck, Status, check_board
from backend.participants.models import Participant


@dataclass
class MatrixView:
    board: Board
    seq: int  # the change sequence this view is at least as new as
    framework: Framework
    phases: list[Phase]
    functions: list[TeamFunction]
    activities: list[Activity]
    cells: dict[tuple[int, int, int], str]  # (activity, phase, function) -> slot codes
    participants: list[Participant] = field(default_factory=list)
    check: BoardCheck = field(default_factory=BoardCheck)

    @property
    def names(self) -> dict[int, str]:
        return {f.id: f.name for f in self.functions if f.id is not None}

    def letters(self, activity_id: int, phase_id: int, function_id: int) -> str:
        return self.framework.to_letters(self.cells.get((activity_id, phase_id, function_id), ""))

    def status(self, activity_id: int, phase_id: int) -> Status:
        return self.check.cells.get((activity_id, phase_id), Status(empty=True))

    def function_name(self, function_id: int | None) -> str:
        return self.names.get(function_id, "no function") if function_id else "no function"

    @cached_property
    def problems(self) -> list[tuple[str, str, str, str]]:
        """(level, activity, phase, message) for every failing check, errors first."""
        cells = self.check.cells
        phases = list(self.phase_names.items())
        out = []
        for a, activity in self.activity_names.items():
            for p, phase in phases:
                status = cells.get((a, p))
                if status is not None:
                    for f in status.findings:
                        out.append((f.level, activity, phase, f.message))
        for pid, status in self.check.phases.items():
            for f in status.findings:
                out.append((f.level, "", self.phase_names.get(pid, ""), f.message))
        return sorted(out, key=lambda x: x[0] != "error")

    @cached_property
    def problem_counts(self) -> tuple[int, int]:
        """(errors, warnings) among ``problems``."""
        errors = sum(1 for p in self.problems if p[0] == "error")
        return errors, len(self.problems) - errors

    # The board's structure as plain ids and names, in board order. A view moved forward by
    # cell edits (``workshop.screen_update``) keeps the same structure and takes these along.
    STRUCTURE = ("phase_names", "activity_names")

    @cached_property
    def phase_names(self) -> dict[int, str]:
        return {p.id: p.name for p in self.phases if p.id is not None}

    @cached_property
    def activity_names(self) -> dict[int, str]:
        return {a.id: a.name for a in self.activities if a.id is not None}

    @cached_property
    def progress(self) -> tuple[int, int]:
        """(activity+phase pairs that pass every error rule, all pairs)."""
        total = len(self.activities) * len(self.phases)
        done = sum(1 for s in self.check.cells.values() if s.state in ("ok", "warning"))
        return done, total

    def with_structure_of(self, other: MatrixView) -> MatrixView:
        """This view, given ``other``'s structure already worked out (the same board's
        phases, functions and activities)."""
        for name in self.STRUCTURE:
            if name in other.__dict__:
                self.__dict__[name] = other.__dict__[name]
        return self


def ordered(session: Session, table: type, board_id: int) -> list:  # type: ignore[type-arg]
    return list(
        session.exec(
            select(table)
            .where(table.board_id == board_id)
            .order_by(col(table.position), col(table.id))
        )
    )


def load_matrix(session: Session, board: Board, *, with_participants: bool = True) -> MatrixView:
    # Read the sequence first: the state read after it is at least that new.
    seq = session.exec(select(Board.last_seq).where(Board.id == board.id)).one()
    phases = ordered(session, Phase, board.id)
    functions = ordered(session, TeamFunction, board.id)
    activities = ordered(session, Activity, board.id)
    # Plain rows, not ORM objects: a big board has thousands of cells.
    cells = {
        (a, p, f): slots
        for a, p, f, slots in session.exec(
            select(Cell.activity_id, Cell.phase_id, Cell.function_id, Cell.slots).where(
                Cell.board_id == board.id, Cell.slots != ""
            )
        )
    }
    view = MatrixView(
        board=board,
        seq=seq,
        framework=get_framework(board.framework),
        phases=phases,
        functions=functions,
        activities=activities,
        cells=cells,
    )
    if with_participants:
        view.participants = list(
            session.exec(
                select(Participant)
                .where(Participant.board_id == board.id)
                .order_by(col(Participant.joined_at), col(Participant.id))
            )
        )
    view.check = check_board(
        view.framework,
        [a.id for a in activities],
        [p.id for p in phases],
        [f.id for f in functions],
        cells,
        view.names,
    )
    return view
