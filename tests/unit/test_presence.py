"""Presence heard from other processes: merged with this one's, asked for, and forgotten
when a process stops repeating itself."""

from __future__ import annotations

import json
import time

from backend.live.hub import PRESENCE_TTL_SECONDS, Hub


def ids(hub: Hub, board: int) -> list[int]:
    return json.loads(hub.presence(board).data)


def test_presence_from_other_processes_is_merged_and_expires():
    hub = Hub(lambda: None)  # type: ignore[arg-type, return-value]
    sent: list[str] = []
    hub.publish_presence = sent.append
    hub.heard_presence("w2:5:3,4")
    hub.heard_presence("w3:5:4,9")
    hub.heard_presence(f"{hub.worker}:5:77")  # our own echo is ignored
    hub.heard_presence("w4:notaboard:1")  # nonsense is ignored
    hub.heard_presence("w4:5:x,y")
    assert ids(hub, 5) == [3, 4, 9]
    hub.heard_presence("w3:5:")  # w3's people left
    assert ids(hub, 5) == [3, 4]
    hub.heard_presence("w2:5:?")  # asked about a board we do not watch: no answer
    assert sent == []
    hub.forget_silent(time.monotonic() + PRESENCE_TTL_SECONDS + 1)
    assert ids(hub, 5) == []
