"""Editing a cell means a free edit, a proposal or an agreement, by the board's mode and who
is editing."""

from __future__ import annotations

import asyncio
import contextvars
from dataclasses import dataclass

from anyio import to_thread
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from backend.boards.cell_edit import FACTS, CellEdit, quick_set_cells
from backend.boards.service import set_cell
from backend.changes.service import WriterBusy
from backend.db import get_engine
from backend.errors import Forbidden
from backend.security import Access, resolve
from backend.workshop import rounds as r
from backend.workshop.agreeing import agree_cell
from backend.workshop.service import propose


def edit_cell(
    session: Session,
    *,
    access: Access,
    activity_id: int,
    phase_id: int,
    function_id: int,
    letters: str,
) -> int:
    """A click or key on a cell: the shared matrix in free mode; in a workshop, a
    participant's own proposal or the facilitator's agreed value."""
    if access.board.mode != r.WORKSHOP:
        write = set_cell
    elif access.participant is not None:
        write = propose
    else:
        write = agree_cell
    return write(
        session,
        access=access,
        activity_id=activity_id,
        phase_id=phase_id,
        function_id=function_id,
        letters=letters,
    )


MAX_BATCH = 50  # edits of one board written in one transaction at most


@dataclass(eq=False)
class _Waiting:
    edit: CellEdit
    done: asyncio.Future[int | None]


class EditQueue:
    """Edits of one board are written one batch at a time, in this process: those that
    arrive while a batch is being written form the next batch, written in one transaction.

    They would take turns anyway (on the board's write lock); waiting here costs nothing,
    where waiting there holds a worker thread and a database connection each, and a batch
    pays for one transaction, one commit and one announcement however many edits it holds.
    """

    def __init__(self) -> None:
        self._boards: dict[int, list[_Waiting]] = {}
        self._writers: set[asyncio.Task[None]] = set()

    async def submit(self, board_id: int, edit: CellEdit) -> int | None:
        waiting = _Waiting(edit, asyncio.get_running_loop().create_future())
        queue = self._boards.get(board_id)
        if queue is not None:
            queue.append(waiting)  # the board's writer takes it with its next batch
        else:
            self._boards[board_id] = [waiting]
            # Its own task: a request that goes away must not take the others' writer with it
            # (and a context of its own, not the first request's: its request id).
            task = asyncio.create_task(self._write(board_id), context=contextvars.Context())
            self._writers.add(task)
            task.add_done_callback(self._writers.discard)
        return await waiting.done

    async def _write(self, board_id: int) -> None:
        queue = self._boards[board_id]
        batch: list[_Waiting] = []
        try:
            await asyncio.sleep(0)  # requests already read by the server join the first batch
            while queue:
                batch = queue[:MAX_BATCH]
                del queue[:MAX_BATCH]
                try:
                    results = await _write_batch(board_id, [w.edit for w in batch])
                except IntegrityError:
                    if len(batch) == 1:
                        raise
                    # One edit's cell may have gone meanwhile (all or nothing): each goes
                    # again on its own, for its own answer.
                    for w in batch:
                        try:
                            (seq,) = await _write_batch(board_id, [w.edit])
                        except Exception as one:
                            _settle(w, exc=one)
                        else:
                            _settle(w, seq=seq)
                    continue
                except Exception as exc:  # the database, not any one edit: the same answer
                    for w in batch:
                        _settle(w, exc=exc)
                    continue
                for w, seq in zip(batch, results, strict=True):
                    _settle(w, seq=seq)
        finally:
            del self._boards[board_id]
            for w in (*batch, *queue):  # only unanswered if this writer itself was cancelled
                _settle(w, exc=RuntimeError("the edit was not written"))


def _settle(w: _Waiting, *, seq: int | None = None, exc: BaseException | None = None) -> None:
    if w.done.done():  # its request went away
        return
    if exc is not None:
        w.done.set_exception(exc)
    else:
        w.done.set_result(seq)


QUEUE = EditQueue()


async def _write_batch(board_id: int, edits: list[CellEdit]) -> list[int | None]:
    """On SQLite, right here on the event loop: the database's work is the process's own
    CPU either way, and a hop to a worker thread costs more than the write; if another
    request holds the writer lock, on a worker thread instead. On PostgreSQL, on a worker
    thread, so the loop never waits for the network."""
    if get_engine().dialect.name == "sqlite":
        try:
            return _quick(board_id, edits, wait=False)
        except WriterBusy:
            pass
    return await to_thread.run_sync(_quick, board_id, edits, True)


async def set_cell_by_token(
    *,
    board_id: int,
    token: str | None,
    activity_id: int,
    phase_id: int,
    function_id: int,
    letters: str,
    proposals: bool = False,
) -> int:
    """A cell edit by link token (the API's ``PUT``, the board page's cell form): the edit
    path first (``backend.boards.cell_edit``), in this board's queue; what it does not take,
    the general way, with the token resolved afresh (which also gives every refusal its
    answer). With ``proposals`` (the board page), a participant's edit in a workshop is their
    proposal; the API refuses it (proposals have a route of their own)."""
    edit = CellEdit(token, activity_id, phase_id, function_id, letters)
    seq = await QUEUE.submit(board_id, edit)
    if seq is None:
        seq = await to_thread.run_sync(_general, board_id, edit, proposals)
    return seq


def _quick(board_id: int, edits: list[CellEdit], wait: bool) -> list[int | None]:
    try:
        return quick_set_cells(get_engine(), board_id=board_id, edits=edits, wait=wait)
    except WriterBusy:
        raise
    except Exception:
        FACTS.drop(board_id)  # whatever went wrong, the next edit reads the board afresh
        raise


def _general(board_id: int, edit: CellEdit, proposals: bool) -> int:
    with Session(get_engine(), expire_on_commit=False) as session:
        access = resolve(session, board_id=board_id, token=edit.token)
        session.commit()  # the read ends; the edit takes the write lock in its own transaction
        workshop = access.board.mode == r.WORKSHOP
        if workshop and access.participant is not None and not proposals:
            raise Forbidden(
                "In a workshop only the facilitator sets agreed values; participants propose "
                "with PUT /api/boards/{id}/proposals"
            )
        return edit_cell(
            session,
            access=access,
            activity_id=edit.activity_id,
            phase_id=edit.phase_id,
            function_id=edit.function_id,
            letters=edit.letters,
        )
