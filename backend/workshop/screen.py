"""What one screen shows of a board: the matrix view plus the workshop state, for a role.

``role`` is None for fragments broadcast to every screen, which must not depend on who
is looking (after the reveal, everyone sees the same; before it, nothing private is
broadcast at all).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field, replace
from functools import cached_property

from markupsafe import Markup
from sqlmodel import Session, select

from backend.boards.findings_html import SHOWN
from backend.boards.models import Phase
from backend.boards.queries import MatrixView, load_matrix
from backend.domain.consensus import RowOption, Spread, hot_list, row_options, tied
from backend.domain.fixes import FindingFixes
from backend.domain.rules import check_board
from backend.exports.json_export import to_dict
from backend.exports.pictures import Pictures
from backend.history.compare import Comparison
from backend.participants.models import Participant
from backend.security import FACILITATOR, PARTICIPANT
from backend.workshop import rounds as r
from backend.workshop.fix_options import Offer, offer
from backend.workshop.models import Proposal, Version
from backend.workshop.publishing import default_label
from backend.workshop.queries import WorkshopView, load_workshop
from backend.workshop.snapshot import settled_pairs

_generations = itertools.count(1)


@dataclass
class Screen:
    v: MatrixView
    w: WorkshopView
    role: str | None = None
    own_view: bool = False  # a participant proposing: ``v`` holds their proposals and checks
    since: tuple[str, Comparison] | None = None  # (last version's label, what changed since)
    review_label: str = ""  # in a review: the default label of the version it will publish
    # A screen read from the database starts a generation; one moved forward by cell edits
    # (screen_update) keeps it and notes which activities changed at which sequence, so
    # what was rendered of the other rows can be reused (render_cache.cached_row).
    generation: int = field(default_factory=lambda: next(_generations))
    touched: dict[int, int] = field(default_factory=dict)  # activity id -> last edit's seq

    @cached_property
    def function_ids(self) -> list[int]:
        return [f.id for f in self.v.functions]

    def slots(self, a: int, p: int, f: int) -> str:
        if self.shows_own(a):
            return self.w.own.get((a, p, f), "")
        return self.v.cells.get((a, p, f), "")

    def shows_own(self, a: int) -> bool:
        """A participant sees their own proposals while proposing (or re-voting this row)."""
        w = self.w
        return (
            self.role == PARTICIPANT
            and w.is_workshop
            and (w.round == r.PROPOSE or (a in w.revoting and w.round in (r.REVEAL, r.AGREED)))
        )

    def spread(self, a: int, p: int, f: int) -> Spread | None:
        g = self.w.groups.get((a, p))
        return g.cells.get(f) if g else None

    def ties(self, a: int) -> list[tuple[Phase, list[tuple[RowOption, list[int]]]]]:
        """For each phase where activity ``a`` is tied and not agreed: the phase, and each
        whole row proposed there with the ids of who proposed it (to take it in one click)."""
        out = []
        for phase in self.v.phases:
            g = self.w.groups.get((a, phase.id))
            if g is None or not tied(g) or self.agreed(a, phase.id):
                continue
            ids = self.w.voter_ids
            out.append(
                (phase, [(o, [ids[n] for n in o.voters if n in ids]) for o in row_options(g)])
            )
        return out

    def row_label(self, option: RowOption) -> str:
        """E.g. "PM: O, PMM: D" ("–" for no role)."""
        fw, names = self.v.framework, self.v.names
        return ", ".join(f"{names.get(f, f)}: {fw.to_letters(v) or '–'}" for f, v in option.row)

    def voters(self, a: int, p: int) -> int:
        g = self.w.groups.get((a, p))
        return len(g.voters) if g else 0

    @property
    def can_edit(self) -> bool:
        w = self.w
        if not w.is_workshop:
            return self.role in (FACILITATOR, PARTICIPANT)
        if self.role == PARTICIPANT:
            return w.round == r.PROPOSE
        return self.role == FACILITATOR and w.round in (r.REVEAL, r.AGREED)

    def row_can_edit(self, a: int) -> bool | None:
        """Overrides ``can_edit`` for a row being re-voted; None when it does not."""
        if a in self.w.revoting and self.w.is_workshop and self.w.round in (r.REVEAL, r.AGREED):
            return self.role == PARTICIPANT
        return None

    def agreed(self, a: int, p: int) -> bool:
        return (a, p) in self.w.agreed

    @cached_property
    def settled(self) -> set[tuple[int, int]]:
        """Pairs that count as agreed, with a review's unchanged pairs from last version."""
        since = self.since[1] if self.since and not self.own_view else None
        return settled_pairs(self.v, self.w.agreed, since)

    @property
    def agreed_count(self) -> tuple[int, int]:
        return len(self.settled), len(self.v.activities) * len(self.v.phases)

    @property
    def carried_count(self) -> int:
        """Of ``agreed_count``, the pairs agreed in last version and unchanged since."""
        return len(self.settled - self.w.agreed)

    @property
    def hot(self):  # type: ignore[no-untyped-def]
        if not self.w.revealed:
            return []
        return hot_list(
            self.v.framework,
            [a.id for a in self.v.activities],
            [p.id for p in self.v.phases],
            self.w.groups,
            self.v.names,
            agreed=self.w.agreed,
            current=self.v.cells if self.is_review else None,
        )

    @cached_property
    def changed_since(self) -> dict[tuple[int, int, int], str]:
        """Cells (ids) that differ from the version this review started from -> what they
        were then; what this screen shows (a proposing participant: their proposals)."""
        if not self.since:
            return {}
        changed = self.since[1].changed
        phases = {p.id: p.name for p in self.v.phases}
        return {
            (a.id, p, f): changed[(a.name, name, fname)]
            for a in self.v.activities
            for p, name in phases.items()
            for f, fname in self.v.names.items()
            if (a.name, name, fname) in changed
        }

    @property
    def is_review(self) -> bool:
        """A review started from a published version: its matrix starts as last quarter's."""
        return self.v.board.parent_version_id is not None

    @cached_property
    def fixes(self) -> Offer:
        """The rule findings with the fixes that resolve them (none for a participant's own
        proposals: fixes act on the shared or agreed matrix)."""
        shown = offer(self.v, self.w, self.since)
        if self.own_view:
            return Offer([replace(e, fixes=()) for e in shown.entries], False, shown.workshop)
        return shown

    @cached_property
    def findings(self) -> Offer:
        """The rule findings as the findings panel lists them (the first ``SHOWN``), without
        working out their fixes (that is done for one finding when someone opens it:
        ``fixes``)."""
        return offer(self.v, self.w, self.since, with_fixes=False, limit=SHOWN)

    def fixable(self, entry: FindingFixes) -> bool:
        """Whether the panel offers *Fix…* on this finding."""
        return (
            self.findings.applies
            and not self.own_view
            and not (self.w.is_workshop and entry.activity in self.w.revoting)
        )

    def activity(self, activity_id: int):  # type: ignore[no-untyped-def]
        return next((a for a in self.v.activities if a.id == activity_id), None)

    def strip(self, activity_id: int) -> Markup:
        """The handoff strip of one activity from the board's values now (the agreed ones in
        a workshop): who owns and drives it phase by phase, and where that passes. Nothing
        while a participant's screen shows their own proposals."""
        a = self.activity(activity_id)
        if a is None or self.own_view:
            return Markup("")
        v = self.v
        fw = v.framework
        phases = {p.id: p.name for p in v.phases if p.id is not None}
        row = {
            phase: {
                name: letters
                for fid, name in v.names.items()
                if (letters := v.letters(activity_id, pid, fid))
            }
            for pid, phase in phases.items()
        }
        doc = {
            "roles": [{"letter": r.letter, "name": r.name, "slot": r.slot} for r in fw.roles],
            "phases": [p.name for p in v.phases],
            "functions": [f.name for f in v.functions],
            "activities": [{"name": a.name, "cells": row}],
        }
        pics = Pictures(doc, prefix=f"strip{a.id}-")
        strip = pics.strips[0]
        lines = "; ".join(pics.handoff_lines(strip))
        said = (
            Markup('<p class="strip-pass" aria-hidden="true">{}</p>').format(lines) if lines else ""
        )
        return pics.strip(strip, upright=True) + said


def load_screen(
    session: Session,
    board,  # type: ignore[no-untyped-def]
    *,
    role: str | None,
    viewer: Participant | None = None,
    cells_only: bool = False,
) -> Screen:
    """``cells_only``: only what the matrix's rows and summary show (for live cell events)."""
    view = load_matrix(session, board, with_participants=not cells_only)
    w = load_workshop(
        session,
        board,
        viewer=viewer,
        activities=view.activities,
        phases=view.phases,
        functions=view.functions,
        participants=None if cells_only else view.participants,
        cells_only=cells_only,
    )
    if board.parent_version_id and w.progress and w.round == r.PROPOSE:
        _count_changes(session, board, view.cells, w)
    own_view = role == PARTICIPANT and w.is_workshop and w.round == r.PROPOSE
    if own_view:
        # While proposing, the rule checks and counts speak of the person's own proposals.
        view = replace(view, cells=dict(w.own))
        view.check = check_board(
            view.framework,
            [a.id for a in view.activities],
            [p.id for p in view.phases],
            [f.id for f in view.functions],
            view.cells,
            view.names,
        )
    # "What changed since last version" compares with what this screen shows.
    since = _since_last_version(session, board, view) if board.parent_version_id else None
    label = default_label(session, board) if since and not cells_only else ""
    return Screen(view, w, role, own_view=own_view, since=since, review_label=label)


def _count_changes(session: Session, board, cells: dict, w: WorkshopView) -> None:  # type: ignore[no-untyped-def]
    """In a review everyone starts from last quarter's values, so "how far along" is how
    many cells each person has changed (counts only, never which)."""
    mine: dict[int, dict[tuple[int, int, int], str]] = {}
    rows = session.exec(
        select(
            Proposal.participant_id,
            Proposal.activity_id,
            Proposal.phase_id,
            Proposal.function_id,
            Proposal.slots,
        ).where(Proposal.board_id == board.id, Proposal.slots != "")
    )
    for pid, a, p, f, slots in rows:
        mine.setdefault(pid, {})[(a, p, f)] = slots
    for pr in w.progress:
        own = mine.get(pr.participant.id, {})
        pr.changed = sum(1 for k in set(own) | set(cells) if own.get(k, "") != cells.get(k, ""))


def _since_last_version(session: Session, board, view: MatrixView) -> tuple[str, Comparison] | None:  # type: ignore[no-untyped-def]
    version = session.get(Version, board.parent_version_id)
    if version is None:
        return None
    # Matched by lineage key: an activity renamed since reads as the same activity.
    return version.label, Comparison(json.loads(version.snapshot), to_dict(view))
