"""The edit path: one cell of a free-mode board set by its facilitator or a participant.

This is what runs on every click in the room, so it checks what it needs against what it
already knows of the board (``Facts``: its mode, framework, tokens and the ids of its
activities, phases and functions) instead of reading the board again. Those facts are
valid as of a sequence number of the board's change log; every change to a board bumps
that sequence, and the edit learns the new one when it takes the board's write lock. When
something other than cell edits happened in between, the facts are dropped and the edit
goes the general way (``backend.flows.cells.edit_cell``), which reads everything afresh
and answers every refusal. Anything but the common case goes that way too: a workshop, a
token or cell these facts do not know, letters the framework refuses.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from backend.boards.edit_store import Run, write_run
from backend.boards.lookup import ACTIVITIES, FUNCTIONS, PHASES
from backend.boards.models import Board
from backend.changes.service import Actor
from backend.domain.frameworks import get_framework
from backend.participants.models import Participant
from backend.security import FACILITATOR, PARTICIPANT
from backend.validation import MAX_ID, is_token

BOARDS = Board.__table__  # type: ignore[attr-defined]
PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]
FREE = "free"
CELL_EDIT = "cell.set"
# Changes that leave a board's mode, framework, tokens, participants and parts as they were.
# (A participant who joins is not in the facts yet: their first edit goes the general way.)
LEAVE_FACTS = frozenset(
    {
        "cell.set",
        "cells.fixed",
        "cells.accepted",
        "comment.added",
        "participant.joined",
        "participant.ready",
        "proposal.set",
        "rationale.set",
        "spotlight",
    }
)
REMEMBERED_BOARDS = 256


@dataclass
class Facts:
    """What an edit checks, as of the board's sequence ``seq``."""

    seq: int
    mode: str
    framework: str
    facilitator_token: str
    participants: dict[str, tuple[int, str]]  # secret -> (id, name)
    cells: tuple[frozenset[int], frozenset[int], frozenset[int]]  # activity, phase, function ids

    def actor(self, token: str | None) -> Actor | None:
        if token is None or not is_token(token):  # never compared unless it can be one
            return None
        if secrets.compare_digest(token, self.facilitator_token):
            return Actor("Facilitator", FACILITATOR)
        person = self.participants.get(token)
        return Actor(person[1], PARTICIPANT, person[0]) if person else None

    def has_cell(self, activity_id: int, phase_id: int, function_id: int) -> bool:
        a, p, f = self.cells
        return activity_id in a and phase_id in p and function_id in f


class FactsCache:
    """The facts of recently edited boards, shared by this process's requests."""

    def __init__(self, size: int = REMEMBERED_BOARDS) -> None:
        self._boards: OrderedDict[int, Facts] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def get(self, board_id: int) -> Facts | None:
        with self._lock:
            facts = self._boards.get(board_id)
            if facts is not None:
                self._boards.move_to_end(board_id)
            return facts

    def put(self, board_id: int, facts: Facts) -> None:
        with self._lock:
            self._boards[board_id] = facts
            self._boards.move_to_end(board_id)
            while len(self._boards) > self.size:
                self._boards.popitem(last=False)

    def advanced(self, facts: Facts, seq: int) -> None:
        """Still true at ``seq``: the edit at ``seq`` found only fact-keeping changes since."""
        with self._lock:
            facts.seq = max(facts.seq, seq)

    def drop(self, board_id: int) -> None:
        with self._lock:
            self._boards.pop(board_id, None)

    def clear(self) -> None:
        with self._lock:
            self._boards.clear()


FACTS = FactsCache()


def read_facts(session: Session, board_id: int) -> Facts | None:
    conn = session.connection()
    board = conn.execute(
        select(
            BOARDS.c.last_seq, BOARDS.c.mode, BOARDS.c.framework, BOARDS.c.facilitator_token
        ).where(BOARDS.c.id == board_id)
    ).first()
    if board is None:
        return None

    def ids(table: Any) -> frozenset[int]:
        rows = conn.execute(select(table.c.id).where(table.c.board_id == board_id))
        return frozenset(rows.scalars())

    people = conn.execute(
        select(PARTICIPANTS.c.secret, PARTICIPANTS.c.id, PARTICIPANTS.c.name).where(
            PARTICIPANTS.c.board_id == board_id
        )
    )
    return Facts(
        seq=board.last_seq,
        mode=board.mode,
        framework=board.framework,
        facilitator_token=board.facilitator_token,
        participants={secret: (pid, name) for secret, pid, name in people},
        cells=(ids(ACTIVITIES), ids(PHASES), ids(FUNCTIONS)),
    )


@dataclass(frozen=True)
class CellEdit:
    """One edit as asked: who (their link token), which cell, what letters."""

    token: str | None
    activity_id: int
    phase_id: int
    function_id: int
    letters: str


def quick_set_cells(
    engine: Engine, *, board_id: int, edits: list[CellEdit], wait: bool = True
) -> list[int | None]:
    """Set cells of a free-mode board, all in one transaction and each its own change;
    returns each one's sequence, or None for one that is not the common case and was not
    written (the general path then takes it). Edits that arrive together are written
    together: one transaction and one announcement for all of them. On SQLite, with
    ``wait`` false, raises ``changes.WriterBusy`` instead of waiting for another writer."""
    results: list[int | None] = [None] * len(edits)
    if not 0 < board_id <= MAX_ID:
        return results
    facts = FACTS.get(board_id)
    if facts is None:
        with Session(engine) as session:
            facts = read_facts(session, board_id)
        if facts is None:
            return results
        FACTS.put(board_id, facts)
    if facts.mode != FREE:
        FACTS.drop(board_id)  # a workshop now; it may be free again by the next edit
        return results
    framework = get_framework(facts.framework)
    ready: list[tuple[int, Actor, CellEdit, str]] = []
    for i, edit in enumerate(edits):
        actor = facts.actor(edit.token)
        if actor is None or not facts.has_cell(edit.activity_id, edit.phase_id, edit.function_id):
            if is_token(edit.token):
                # Someone who joined, or a part added, since: read afresh for the next edit.
                FACTS.drop(board_id)
            continue
        try:
            ready.append((i, actor, edit, framework.to_slots(edit.letters)))
        except ValueError:
            continue
    if not ready:
        return results
    # No mode check here: a switch to a workshop is a change the sequence shows.
    run = Run(
        board_id=board_id,
        board_token=facts.facilitator_token,  # the board these facts are of, not a successor
        known_seq=facts.seq,
        keeping=LEAVE_FACTS,
        kind=CELL_EDIT,
        actors=[actor for _, actor, _, _ in ready],
        cells=[(e.activity_id, e.phase_id, e.function_id, slots) for _, _, e, slots in ready],
    )
    made = write_run(engine, run, wait=wait)
    if made is None:
        FACTS.drop(board_id)
        return results
    FACTS.advanced(facts, made[-1].seq)
    for (i, *_), change in zip(ready, made, strict=True):
        results[i] = change.seq
    return results
