"""A real room for the browser tests: the seeded catalogue (20 activities × 4 phases) with
PM, PMM and Sales, three people proposing through the API, driven round by round.

Screens are looked at the way the room sees them: a laptop (1440), a phone (390) and the
projector (1920 × 1080). Screenshots go to ``tests/browser/screenshots/`` (not in git).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.helpers import Board, auth, join, make_board

SHOTS = Path(__file__).resolve().parent / "screenshots"
AXE = "/static/vendor/axe-core/axe.min.js"
WIDTHS = {"phone": (390, 844), "laptop": (1440, 900), "projector": (1920, 1080)}


@dataclass
class Room:
    url: str
    board: Board
    people: dict[str, str] = field(default_factory=dict)  # name -> participant token

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=20)

    @property
    def fac(self) -> dict[str, str]:
        return auth(self.board.facilitator)

    def api(self, method: str, path: str, token: str | None = None, **body) -> dict:
        with self.http() as h:
            r = h.request(
                method,
                f"/api/boards/{self.board.id}{path}",
                headers=auth(token or self.board.facilitator),
                json=body or None,
            )
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else {}


def seeded_room(url: str) -> Room:
    with httpx.Client(base_url=url, timeout=20) as h:
        board = make_board(h, title="Q4 roles: PM · PMM · Sales", functions=["PM", "PMM", "Sales"])
        room = Room(url, board)
        for name, fn in (("Priya", "PM"), ("Marco", "PMM"), ("Sam", "Sales")):
            room.people[name] = join(h, board, name, fn)
    return room


def free_cells(room: Room) -> None:
    """A few agreed-looking cells in free mode, so the matrix is not empty."""
    phases = [p["id"] for p in room.board.data["phases"]]
    pm, pmm = room.board.function("PM"), room.board.function("PMM")
    for a in room.board.data["activities"][:8]:
        for i, p in enumerate(phases):
            owner, helper = (pm, pmm) if i < 2 else (pmm, pm)
            room.api(
                "PUT", "/cells", activity_id=a["id"], phase_id=p, function_id=owner, letters="OD"
            )
            room.api(
                "PUT", "/cells", activity_id=a["id"], phase_id=p, function_id=helper, letters="C"
            )


def propose_all(room: Room) -> None:
    """Priya and Sam agree PM leads early and PMM late; Marco claims Launch and Grow work
    a bit differently on every third activity, so the reveal has heat and ties."""
    phases = [p["id"] for p in room.board.data["phases"]]
    pm, pmm, sales = (room.board.function(n) for n in ("PM", "PMM", "Sales"))
    for name, token in room.people.items():
        for n, a in enumerate(room.board.data["activities"]):
            for i, p in enumerate(phases):
                early = i < 2
                letters = {pm: "OD" if early else "C", pmm: "C" if early else "OD"}
                if name == "Marco" and n % 3 == 0:
                    letters = {pm: "D", pmm: "O"} if early else {pm: "I", pmm: "OD"}
                if name == "Sam" and i == 3:
                    letters[sales] = "D"
                for f, value in letters.items():
                    room.api(
                        "PUT",
                        "/proposals",
                        token,
                        activity_id=a["id"],
                        phase_id=p,
                        function_id=f,
                        letters=value,
                    )
