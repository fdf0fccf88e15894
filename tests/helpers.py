"""Small helpers for API-level tests."""

from __future__ import annotations

import asyncio
import html
import re
import threading
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Board:
    id: int
    facilitator: str
    join: str
    data: dict[str, Any]

    def phase(self, name: str) -> int:
        return next(p["id"] for p in self.data["phases"] if p["name"] == name)

    def function(self, name: str) -> int:
        return next(f["id"] for f in self.data["functions"] if f["name"] == name)

    def activity(self, name: str) -> int:
        return next(a["id"] for a in self.data["activities"] if a["name"] == name)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_board(client: httpx.Client, **body: Any) -> Board:
    body.setdefault("title", "Test board")
    r = client.post("/api/boards", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    data = client.get(
        f"/api/boards/{created['id']}", headers=auth(created["facilitator_token"])
    ).json()
    return Board(created["id"], created["facilitator_token"], created["join_token"], data)


def join(client: httpx.Client, board: Board, name: str, function: str) -> str:
    r = client.post(
        f"/api/join/{board.join}", json={"name": name, "function_id": board.function(function)}
    )
    assert r.status_code == 201, r.text
    return r.json()["token"]


def set_cell(
    client: httpx.Client,
    board: Board,
    token: str,
    activity: str,
    phase: str,
    function: str,
    letters: str,
) -> httpx.Response:
    return client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(token),
        json={
            "activity_id": board.activity(activity),
            "phase_id": board.phase(phase),
            "function_id": board.function(function),
            "letters": letters,
        },
    )


def state(client: httpx.Client, board: Board, token: str) -> dict[str, Any]:
    r = client.get(f"/api/boards/{board.id}", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def letters_of(data: dict[str, Any]) -> dict[tuple[int, int, int], str]:
    return {
        (c["activity_id"], c["phase_id"], c["function_id"]): c["letters"] for c in data["cells"]
    }


def text_of(page: str) -> str:
    """A page's text as a reader sees it: tags dropped, entities read, spaces folded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def run_in_thread(coro: Any) -> Any:
    """asyncio.run on a thread of its own (a browser test may have left an event loop
    running on this one); returns the result or raises what it raised."""
    out: list[Any] = []
    errors: list[BaseException] = []

    def main() -> None:
        try:
            out.append(asyncio.run(coro))
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    worker = threading.Thread(target=main)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    return out[0]
