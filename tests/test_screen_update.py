"""A screen moved forward by cell edits is the screen read afresh: same cells, checks,
agreed pairs and the same live fragments (what the hub and the page cache rely on)."""

from __future__ import annotations

from sqlmodel import Session

from backend import render_cache
from backend.boards import views
from backend.boards.models import Board as BoardRow
from backend.changes.service import change_data, changes_after
from backend.db import get_engine
from backend.live.render import event_for
from backend.security import PARTICIPANT, resolve
from backend.workshop.screen import Screen, load_screen
from backend.workshop.screen_update import advance
from tests.helpers import join, make_board, set_cell
from tests.workshop_helpers import move, propose, start

ACTIVITIES = [{"name": "Pricing"}, {"name": "Positioning"}]


def screen_of(board_id: int, **kw) -> Screen:
    with Session(get_engine(), expire_on_commit=False) as s:
        return load_screen(s, s.get(BoardRow, board_id), role=kw.pop("role", None), **kw)


def edits_after(board_id: int, seq: int):
    with Session(get_engine()) as s:
        return list(changes_after(s, board_id=board_id, after=seq, limit=100))


def same(moved: Screen, fresh: Screen, changes) -> None:
    assert moved.v.seq == fresh.v.seq
    assert moved.v.cells == fresh.v.cells
    assert list(moved.v.check.cells.items()) == list(fresh.v.check.cells.items())
    assert list(moved.v.check.phases.items()) == list(fresh.v.check.phases.items())
    assert moved.w.agreed == fresh.w.agreed
    assert moved.agreed_count == fresh.agreed_count
    for c in changes:  # the live fragment of each edit is byte for byte the fresh one's
        assert event_for(moved, c).data == event_for(fresh, c).data


def test_free_mode_edits_move_a_screen_forward(client):
    board = make_board(client, functions=["PM", "PMM", "Sales"], activities=ACTIVITIES)
    tok = board.facilitator
    before = screen_of(board.id, cells_only=True)
    for args in [
        ("Pricing", "Build", "PM", "O"),
        ("Pricing", "Build", "PMM", "OD"),  # two owners: an error appears
        ("Pricing", "Launch", "Sales", "C"),
        ("Pricing", "Build", "PM", ""),  # cleared: the error goes
    ]:
        assert set_cell(client, board, tok, *args).status_code == 200
    changes = edits_after(board.id, before.v.seq)
    assert [c.kind for c in changes] == ["cell.set"] * 4
    moved = advance(before, [(c.seq, change_data(c)) for c in changes])
    assert moved is not None and moved is not before
    same(moved, screen_of(board.id, cells_only=True), changes)
    assert before.v.cells == {}  # the screen it started from is not changed


def test_agreed_edits_count_as_agreed(client):
    board = make_board(client, activities=ACTIVITIES)
    start(client, board)
    ana = join(client, board, "Ana", "PM")
    assert propose(client, board, ana, "Pricing", "Build", "PM", "O").status_code == 200
    assert move(client, board, "reveal").status_code == 200
    before = screen_of(board.id, cells_only=True)
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "OD").status_code
        == 200
    )
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Grow", "PMM", "O").status_code == 200
    )
    changes = edits_after(board.id, before.v.seq)
    moved = advance(before, [(c.seq, change_data(c)) for c in changes])
    assert moved is not None and len(moved.w.agreed) == 2
    same(moved, screen_of(board.id, cells_only=True), changes)


def test_a_gap_or_a_private_screen_is_not_moved_forward(client):
    board = make_board(client, activities=ACTIVITIES)
    tok = board.facilitator
    before = screen_of(board.id)
    for letters in ("O", "D"):
        set_cell(client, board, tok, "Pricing", "Build", "PM", letters)
    changes = edits_after(board.id, before.v.seq)
    data = [(c.seq, change_data(c)) for c in changes]
    assert advance(before, data[1:]) is None  # the first edit is missing
    assert advance(before, data[:0]) is before  # nothing new
    start(client, board)
    ana = join(client, board, "Ana", "PM")
    with Session(get_engine(), expire_on_commit=False) as s:
        from_row = s.get(BoardRow, board.id)
        me = resolve(s, board_id=board.id, token=ana).participant
        own = load_screen(s, from_row, role=PARTICIPANT, viewer=me)
    assert own.own_view and advance(own, data) is None


def test_the_page_after_cell_edits_is_the_last_one_moved_forward(client, monkeypatch):
    board = make_board(client, activities=ACTIVITIES)
    tok = board.facilitator
    assert client.get(f"/f/{tok}").status_code == 200
    reads = []
    real = views.screen_for
    monkeypatch.setattr(views, "screen_for", lambda *a, **k: reads.append(1) or real(*a, **k))
    set_cell(client, board, tok, "Pricing", "Build", "PM", "O")
    set_cell(client, board, tok, "Pricing", "Build", "PMM", "OD")
    page = client.get(f"/f/{tok}").text
    cell = f'id="c-{board.activity("Pricing")}-{board.phase("Build")}-{board.function("PMM")}"'
    assert f'{cell} data-letters="OD"' in page
    assert "2 Owners" in page  # the rule finding the edits made
    assert reads == []  # moved forward, not read again
    # Only the edited row is rendered again; the other is reused as it was.
    reused = render_cache.stats["rows_reused"]
    set_cell(client, board, tok, "Positioning", "Grow", "PM", "I")
    page = client.get(f"/f/{tok}").text
    assert render_cache.stats["rows_reused"] == reused + 1
    cell = f'id="c-{board.activity("Positioning")}-{board.phase("Grow")}-{board.function("PM")}"'
    assert f'{cell} data-letters="I"' in page
    client.patch(
        f"/api/boards/{board.id}",
        headers={"Authorization": f"Bearer {tok}"},
        json={"title": "Renamed"},
    )
    page = client.get(f"/f/{tok}").text
    assert reads == [1] and "Renamed" in page  # anything but cell edits: read afresh
