"""Changing a board: create, rename, delete, set cells, and edit its structure.

Every function here is keyword-only, validates first, writes one change record in
the same transaction, commits, and publishes (through ``changes.service.commit``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete as sa_delete
from sqlalchemy import func
from sqlmodel import Session, select

from backend.boards.cell_store import write_cells
from backend.boards.lookup import cell_target, owned, parse_letters
from backend.boards.models import Activity, Board, Cell, Phase, TeamFunction
from backend.boards.queries import ordered
from backend.catalogue.loader import load_catalogue
from backend.changes import service as changes
from backend.changes.service import SYSTEM, Actor
from backend.domain.frameworks import DEFAULT_FRAMEWORK, get_framework
from backend.errors import Conflict, Invalid, NotFound
from backend.security import Access, new_token
from backend.validation import (
    MAX_ACTIVITIES,
    MAX_ACTIVITY_NAME,
    MAX_DESCRIPTION,
    MAX_FUNCTION_NAME,
    MAX_FUNCTIONS,
    MAX_PHASE_NAME,
    MAX_PHASES,
    MAX_RATIONALE,
    MAX_TITLE,
    clean_list,
    clean_text,
)

DEFAULT_PHASES = ("Discover", "Build", "Launch", "Grow")
DEFAULT_FUNCTIONS = ("PM", "PMM")


@dataclass(frozen=True)
class ActivitySpec:
    name: str
    description: str = ""
    sources: tuple[str, ...] = ()
    rationale: str = ""
    key: str | None = None  # the activity's lineage key, when it continues an earlier one


def is_key(value: object) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= 40
        and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in value)
    )


def catalogue_specs() -> list[ActivitySpec]:
    return [ActivitySpec(a.name, a.description, a.sources) for a in load_catalogue()]


def create_board(
    session: Session,
    *,
    title: str,
    framework: str = DEFAULT_FRAMEWORK,
    phases: list[str] | None = None,
    functions: list[str] | None = None,
    activities: list[ActivitySpec] | None = None,
    is_demo: bool = False,
    actor: Actor = SYSTEM,
    cells: dict[tuple[str, str, str], str] | None = None,
    mode: str = "free",
    parent_version_id: int | None = None,
    also: tuple[changes.NewChange, dict[str, object]] | None = None,
) -> Board:
    """A new board, in one transaction. ``cells`` (for imports) maps (activity, phase,
    function) names to slot codes. ``also``: another board's change committed with it."""
    title = clean_text(title, what="Board title", max_len=MAX_TITLE)
    try:
        get_framework(framework)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    phase_names = clean_list(
        list(DEFAULT_PHASES if phases is None else phases),
        what="Phase",
        max_len=MAX_PHASE_NAME,
        max_items=MAX_PHASES,
    )
    function_names = clean_list(
        list(DEFAULT_FUNCTIONS if functions is None else functions),
        what="Function",
        max_len=MAX_FUNCTION_NAME,
        max_items=MAX_FUNCTIONS,
    )
    specs = catalogue_specs() if activities is None else activities
    if len(specs) > MAX_ACTIVITIES:
        raise Invalid(f"At most {MAX_ACTIVITIES} activities per board")
    clean_specs = [
        ActivitySpec(
            clean_text(s.name, what="Activity name", max_len=MAX_ACTIVITY_NAME),
            clean_text(s.description, what="Description", max_len=MAX_DESCRIPTION, required=False),
            tuple(s.sources),
            clean_text(
                s.rationale, what="Rationale", max_len=MAX_RATIONALE, required=False, multiline=True
            ),
            s.key if is_key(s.key) else None,
        )
        for s in specs
    ]
    seen: set[str] = set()
    for spec in clean_specs:
        if spec.name.casefold() in seen:
            raise Invalid(f"Activity {spec.name!r} is listed twice")
        seen.add(spec.name.casefold())
    board = Board(
        title=title,
        framework=framework,
        facilitator_token=new_token(),
        join_token=new_token(),
        is_demo=is_demo,
        mode=mode,
        parent_version_id=parent_version_id,
    )
    session.add(board)
    session.flush()
    assert board.id is not None
    change = changes.start(session, board_id=board.id, kind="board.created", actor=actor)
    for i, name in enumerate(phase_names):
        session.add(Phase(board_id=board.id, name=name, position=i))
    for i, name in enumerate(function_names):
        session.add(TeamFunction(board_id=board.id, name=name, position=i))
    made = {}
    for i, spec in enumerate(clean_specs):
        made[spec.name] = Activity(
            board_id=board.id,
            name=spec.name,
            description=spec.description,
            sources="\n".join(spec.sources),
            rationale=spec.rationale,
            position=i,
            **({"lineage_key": spec.key} if spec.key else {}),
        )
        session.add(made[spec.name])
    if cells:
        session.flush()
        phase_ids = {p.name: p.id for p in ordered(session, Phase, board.id)}
        function_ids = {f.name: f.id for f in ordered(session, TeamFunction, board.id)}
        for (a, p, f), slots in cells.items():
            if slots:
                session.add(
                    Cell(
                        board_id=board.id,
                        activity_id=made[a].id,
                        phase_id=phase_ids[p],
                        function_id=function_ids[f],
                        slots=slots,
                    )
                )
    changes.commit(
        session,
        change,
        {"title": title, "imported_cells": len(cells or {})},
        *([also] if also else []),
    )
    return board


def rename_board(session: Session, *, access: Access, title: str) -> int:
    """Rename the board; returns the change's sequence number."""
    access.require_facilitator("rename the board")
    board = access.board
    title = clean_text(title, what="Board title", max_len=MAX_TITLE)
    change = changes.start(session, board_id=board.id, kind="board.renamed", actor=access.actor)
    board.title = title
    session.add(board)
    changes.commit(session, change, {"title": title})
    return change.seq


def set_cell(
    session: Session,
    *,
    access: Access,
    activity_id: int,
    phase_id: int,
    function_id: int,
    letters: str,
) -> int:
    """Set the role letters of one cell (empty clears it); returns the change\'s sequence.

    Writes to one board are serialised, so the last accepted write wins.
    """
    board = access.board
    slots = parse_letters(board, letters)
    # Checked before taking the board's write lock, so writers queue for less time; a part
    # removed in between makes the write fail its foreign key (a 409), never half-apply.
    a, p, f = cell_target(session, board.id, activity_id, phase_id, function_id)
    change = changes.start(
        session, board_id=board.id, kind="cell.set", actor=access.actor, mode="free"
    )
    before = write_cells(session, board.id, a, p, {f: slots})
    data = {"activity_id": a, "phase_id": p, "function_id": f, "slots": slots, "before": before[f]}
    changes.commit(session, change, data)
    return change.seq


# --- structure: phases, functions, activities -------------------------------------

KINDS: dict[str, tuple[type[Phase | TeamFunction | Activity], str, int, int]] = {
    # url kind: (table, label, max name length, max items per board)
    "phases": (Phase, "Phase", MAX_PHASE_NAME, MAX_PHASES),
    "functions": (TeamFunction, "Function", MAX_FUNCTION_NAME, MAX_FUNCTIONS),
    "activities": (Activity, "Activity", MAX_ACTIVITY_NAME, MAX_ACTIVITIES),
}


def _kind(kind: str) -> tuple[type[Phase | TeamFunction | Activity], str, int, int]:
    try:
        return KINDS[kind]
    except KeyError:
        raise NotFound(f"Unknown part of a board: {kind!r}") from None


def _check_unique(
    session: Session,
    table: type,
    board_id: int,
    name: str,
    label: str,
    except_id: int | None = None,
) -> None:
    for other in ordered(session, table, board_id):
        if other.id != except_id and other.name.casefold() == name.casefold():
            raise Conflict(f"{label} {name!r} already exists on this board")


def add_item(
    session: Session, *, access: Access, kind: str, name: str, description: str = ""
) -> Phase | TeamFunction | Activity:
    table, label, max_len, max_items = _kind(kind)
    access.require_facilitator(f"add a {label.lower()}")
    board_id = access.board.id
    name = clean_text(name, what=f"{label} name", max_len=max_len)
    description = clean_text(
        description, what="Description", max_len=MAX_DESCRIPTION, required=False
    )
    change = changes.start(session, board_id=board_id, kind=f"{kind}.added", actor=access.actor)
    _check_unique(session, table, board_id, name, label)
    count = session.exec(
        select(func.count()).select_from(table).where(table.board_id == board_id)
    ).one()
    if count >= max_items:
        raise Invalid(f"At most {max_items} {kind} per board")
    top = session.exec(select(func.max(table.position)).where(table.board_id == board_id)).one()
    item = table(board_id=board_id, name=name, position=(top if top is not None else -1) + 1)
    if isinstance(item, Activity):
        item.description = description
    session.add(item)
    session.flush()
    changes.commit(session, change, {"id": item.id, "name": name})
    return item


def update_item(
    session: Session,
    *,
    access: Access,
    kind: str,
    item_id: int,
    name: str | None = None,
    description: str | None = None,
    to: int | None = None,
) -> int:
    """Rename, describe and/or move (to 0-based position ``to``, clamped) in one change.

    Returns the change's sequence number.
    """
    table, label, max_len, _ = _kind(kind)
    access.require_facilitator(f"change a {label.lower()}")
    board_id = access.board.id
    if name is None and description is None and to is None:
        raise Invalid("Nothing to change: give a new name, description or position")
    if description is not None and table is not Activity:
        raise Invalid("Only activities have a description")
    if name is not None:
        name = clean_text(name, what=f"{label} name", max_len=max_len)
    if description is not None:
        description = clean_text(
            description, what="Description", max_len=MAX_DESCRIPTION, required=False
        )
    what = "moved" if name is None and description is None else "updated"
    change = changes.start(session, board_id=board_id, kind=f"{kind}.{what}", actor=access.actor)
    item = owned(session, table, board_id, item_id, label.lower())
    data: dict[str, object] = {"id": item.id}
    if name is not None:
        _check_unique(session, table, board_id, name, label, except_id=item.id)
        data.update(before=item.name, name=name)
        item.name = name
    if description is not None and isinstance(item, Activity):
        item.description = description
        data["description"] = description
    session.add(item)
    if to is not None:
        data["to"] = _move(session, table, board_id, item, to)
    changes.commit(session, change, data)
    return change.seq


def move_item(session: Session, *, access: Access, kind: str, item_id: int, to: int) -> int:
    """Move an item to position ``to`` (0-based, clamped) and renumber the rest."""
    return update_item(session, access=access, kind=kind, item_id=item_id, to=to)


def _move(
    session: Session, table: type, board_id: int, item: Phase | TeamFunction | Activity, to: int
) -> int:
    items = [i for i in ordered(session, table, board_id) if i.id != item.id]
    to = max(0, min(to, len(items)))
    items.insert(to, item)
    for pos, it in enumerate(items):
        if it.position != pos:
            it.position = pos
            session.add(it)
    return to


def remove_item(session: Session, *, access: Access, kind: str, item_id: int) -> None:
    table, label, _, _ = _kind(kind)
    access.require_facilitator(f"remove a {label.lower()}")
    board_id = access.board.id
    change = changes.start(session, board_id=board_id, kind=f"{kind}.removed", actor=access.actor)
    item = owned(session, table, board_id, item_id, label.lower())
    remaining = session.exec(
        select(func.count()).select_from(table).where(table.board_id == board_id)
    ).one()
    if kind != "activities" and remaining <= 1:
        raise Conflict(f"A board needs at least one {label.lower()}")
    cells = session.execute(
        sa_delete(Cell).where(getattr(Cell, _cell_column(kind)) == item.id)
    ).rowcount
    session.delete(item)
    changes.commit(session, change, {"id": item.id, "name": item.name, "cells": cells})


def _cell_column(kind: str) -> str:
    return {"phases": "phase_id", "functions": "function_id", "activities": "activity_id"}[kind]
