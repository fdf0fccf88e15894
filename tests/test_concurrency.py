"""Two people set the same cell at the same moment: both writes are logged in order, and
the stored value is the last one logged, so every screen converges on it."""

from __future__ import annotations

import threading

import httpx
import pytest

from backend.domain.frameworks import get_framework
from tests.helpers import auth, join, letters_of, make_board, set_cell, state

pytestmark = pytest.mark.server


def test_simultaneous_writes_to_one_cell(server):
    with httpx.Client(base_url=server.url, timeout=20) as http:
        board = make_board(http, activities=[{"name": "Pricing"}])
        tokens = [join(http, board, f"P{i}", "PM" if i % 2 else "PMM") for i in range(8)]
        start = state(http, board, board.facilitator)["seq"]
        values = ["O", "D", "C", "I", "OD", "O", "D", "C"]
        barrier = threading.Barrier(len(tokens))
        results: list[int] = []

        def write(tok: str, letters: str) -> None:
            with httpx.Client(base_url=server.url, timeout=20) as c:
                barrier.wait()
                for _ in range(5):
                    results.append(
                        set_cell(c, board, tok, "Pricing", "Launch", "PM", letters).status_code
                    )

        threads = [
            threading.Thread(target=write, args=(t, v)) for t, v in zip(tokens, values, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [200] * 40
        log = http.get(
            f"/api/boards/{board.id}/changes?after={start}&limit=1000",
            headers=auth(board.facilitator),
        ).json()
        cell_log = [c for c in log if c["kind"] == "cell.set"]
        assert [c["seq"] for c in log] == list(range(start + 1, start + 41))
        assert len(cell_log) == 40
        # Each logged write saw the previous logged value as "before": no lost update in between.
        for prev, cur in zip(cell_log, cell_log[1:], strict=False):
            assert cur["data"]["before"] == prev["data"]["slots"]
        final = state(http, board, board.facilitator)
        key = (board.activity("Pricing"), board.phase("Launch"), board.function("PM"))
        stored = {
            (c["activity_id"], c["phase_id"], c["function_id"]): c["letters"]
            for c in final["cells"]
        }
        assert stored[key] == cell_log[-1]["data"]["slots"]


def test_edits_arriving_together_each_get_their_own_answer(server):
    """Many edits of one board at once (written in batches): the good ones all land, in
    one unbroken run of the log; a bad one in their midst is refused on its own."""
    with httpx.Client(base_url=server.url, timeout=20) as http:
        names = [f"A{i}" for i in range(6)]
        board = make_board(http, activities=[{"name": n} for n in names])
        start = state(http, board, board.facilitator)["seq"]
        plan = [
            (board.facilitator, names[i % 6], "OD" if i % 2 else "O", 200) for i in range(24)
        ] + [
            (board.facilitator, names[0], "Q", 422),  # letters this framework does not have
            ("y" * 32, names[1], "O", 401),  # nobody's link
        ]
        barrier = threading.Barrier(len(plan))
        got: dict[int, int] = {}

        def write(i: int, token: str, activity: str, letters: str) -> None:
            with httpx.Client(base_url=server.url, timeout=20) as c:
                barrier.wait()
                got[i] = set_cell(c, board, token, activity, "Build", "PMM", letters).status_code

        threads = [
            threading.Thread(target=write, args=(i, t, a, x)) for i, (t, a, x, _) in enumerate(plan)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [got[i] for i in range(len(plan))] == [want for *_, want in plan]
        log = http.get(
            f"/api/boards/{board.id}/changes?after={start}&limit=1000",
            headers=auth(board.facilitator),
        ).json()
        assert [c["seq"] for c in log] == list(range(start + 1, start + 25))
        assert {c["kind"] for c in log} == {"cell.set"}
        last: dict[int, str] = {}
        for c in log:  # each saw the one before it on the same cell
            a = c["data"]["activity_id"]
            assert c["data"]["before"] == last.get(a, "")
            last[a] = c["data"]["slots"]
        now = state(http, board, board.facilitator)
        fw = get_framework(now["framework"])
        stored = letters_of(now)
        for a, slots in last.items():  # the stored value is the last one logged
            assert stored[(a, board.phase("Build"), board.function("PMM"))] == fw.to_letters(slots)
