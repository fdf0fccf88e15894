"""The quarterly revisit: start the next review from a published version.

The new board copies the version's activities (with sources and rationale), phases and
functions, runs as a workshop, and starts from what was agreed: its agreed matrix is last
version's, and everyone who joins finds their proposals already filled with it, so they
only change what changed.
"""

from __future__ import annotations

import json
import re

from sqlmodel import Session

from backend.boards.models import Activity, Board, Phase, TeamFunction
from backend.boards.queries import ordered
from backend.boards.service import ActivitySpec, create_board
from backend.changes import service as changes
from backend.domain.frameworks import get_framework
from backend.security import Access
from backend.workshop import rounds as r
from backend.workshop.models import Proposal, Version
from backend.workshop.viewer import version_of


def start_next_review(session: Session, *, access: Access, number: int) -> Board:
    access.require_facilitator("start the next review")
    version = version_of(session, access.board, number)
    # The board it starts from logs it too (in the same transaction): its screens list the
    # review, and the start is in its history.
    started = changes.start(
        session, board_id=access.board.id, kind="review.started", actor=access.actor
    )
    snap = json.loads(version.snapshot)
    framework = get_framework(snap["framework"])
    cells = {
        (a["name"], p, f): framework.to_slots(letters)
        for a in snap["activities"]
        for p, row in a.get("cells", {}).items()
        for f, letters in row.items()
        if letters
    }
    board = create_board(
        session,
        # The same title: each version carries its own label, and the review's page says
        # what it started from. (Older reviews' " — review after …" is dropped.)
        title=re.sub(r" — review after .*$", "", snap["title"]),
        framework=framework.key,
        phases=snap["phases"],
        functions=snap["functions"],
        activities=[
            ActivitySpec(
                a["name"],
                a.get("description", ""),
                tuple(a.get("sources", [])),
                a.get("rationale", ""),
                a.get("key"),
            )
            for a in snap["activities"]
        ],
        cells=cells,
        actor=access.actor,
        mode=r.WORKSHOP,
        parent_version_id=version.id,
        also=(started, {"version": version.number, "label": version.label}),
    )
    return board


def prefill_proposals(session: Session, *, board: Board, participant_id: int) -> int:
    """Give a newcomer to a next review their starting proposals: last version's agreed cells."""
    if board.parent_version_id is None or board.mode != r.WORKSHOP:
        return 0
    version = session.get(Version, board.parent_version_id)
    if version is None:
        return 0

    activities = ordered(session, Activity, board.id)
    by_key = {x.lineage_key: x.id for x in activities}
    ids = {
        "a": {x.name: x.id for x in activities},
        "p": {x.name: x.id for x in ordered(session, Phase, board.id)},
        "f": {x.name: x.id for x in ordered(session, TeamFunction, board.id)},
    }
    snap = json.loads(version.snapshot)
    framework = get_framework(snap["framework"])
    made = 0
    for a in snap["activities"]:
        for p, row in a.get("cells", {}).items():
            for f, letters in row.items():
                # The same activity by its lineage key, even if renamed since.
                activity = by_key.get(a.get("key", "")) or ids["a"].get(a["name"])
                key = (activity, ids["p"].get(p), ids["f"].get(f))
                if None in key or not letters:
                    continue  # removed on the new board since
                session.add(
                    Proposal(
                        board_id=board.id,
                        participant_id=participant_id,
                        activity_id=key[0],
                        phase_id=key[1],
                        function_id=key[2],
                        slots=framework.to_slots(letters),
                    )
                )
                made += 1
    return made
