"""Reading a workshop for one viewer: what they may see of proposals, progress, agreement,
the hot list, discussion and versions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from backend.boards.models import Activity, Board, TeamFunction
from backend.domain.consensus import GroupView, HotItem, acceptable_unanimous, group_views
from backend.history.lineage import review_states
from backend.participants.models import Participant
from backend.workshop import rounds as r
from backend.workshop.models import Agreement, Comment, PhaseNote, Proposal, Version
from backend.workshop.precheck import PrecheckView, load_precheck
from backend.workshop.precheck import applies as precheck_applies


def voter_names(session: Session, board: Board) -> dict[int, str]:
    """Participant id -> the name their votes go by. Same display names are told apart by
    id, so one person's vote never merges with another's."""
    people = {
        p.id: p.name
        for p in session.exec(select(Participant).where(Participant.board_id == board.id))
    }
    seen: dict[str, int] = {}
    names = {}
    for pid, name in sorted(people.items()):
        seen[name] = seen.get(name, 0) + 1
        names[pid] = name if seen[name] == 1 else f"{name} ({seen[name]})"
    return names


def consensus_groups(
    session: Session, board: Board, names: dict[int, str] | None = None
) -> dict[tuple[int, int], GroupView]:
    """Every participant's proposals, grouped (server-side only; reveal decides who sees it)."""

    functions = [
        f.id for f in session.exec(select(TeamFunction).where(TeamFunction.board_id == board.id))
    ]
    proposals = {
        (p.participant_id, p.activity_id, p.phase_id, p.function_id): p.slots
        for p in session.exec(select(Proposal).where(Proposal.board_id == board.id))
    }
    return group_views(proposals, functions, names or voter_names(session, board))


@dataclass
class Progress:
    participant: Participant
    filled: int  # activity·phase pairs with at least one cell proposed
    online: bool = False
    changed: int | None = None  # in a review: cells proposed differently from last quarter


@dataclass
class WorkshopView:
    mode: str
    round: str
    auto_reveal: bool
    progress: list[Progress] = field(default_factory=list)
    total_pairs: int = 0  # activity·phase pairs: what "filled" counts against
    own: dict[tuple[int, int, int], str] = field(default_factory=dict)
    groups: dict[tuple[int, int], GroupView] = field(default_factory=dict)  # empty before reveal
    agreed: set[tuple[int, int]] = field(default_factory=set)
    hot: list[HotItem] = field(default_factory=list)
    comments: dict[int, list[Comment]] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    versions: list[Version] = field(default_factory=list)
    spotlight: Activity | None = None
    revoting: set[int] = field(default_factory=set)
    voter_ids: dict[str, int] = field(default_factory=dict)  # name in ``groups`` -> id
    precheck: PrecheckView | None = None  # workshops only
    reviews: list[tuple[Board, str]] = field(default_factory=list)  # (review, version label)
    # version id -> where its review stands: not started / in progress / published
    review_states: dict[int, str] = field(default_factory=dict)

    @property
    def is_workshop(self) -> bool:
        return self.mode == r.WORKSHOP

    @property
    def revealed(self) -> bool:
        return self.is_workshop and r.proposals_visible(self.round)

    @property
    def round_label(self) -> str:
        return r.LABELS[self.round] if self.is_workshop else "Free mode"

    @property
    def own_pairs(self) -> int:
        """Activity·phase pairs the viewing participant has proposed something in."""
        return len({(a, p) for a, p, _ in self.own})

    def unanimous_open(self) -> int:
        """How many pairs "Accept all unanimous" would agree now."""
        return len(
            acceptable_unanimous(
                self.groups, self.agreed, self.revoting, r.min_voters(len(self.progress))
            )
        )


def load_workshop(
    session: Session,
    board: Board,
    *,
    viewer: Participant | None,
    activities: list[Activity],
    phases: list,  # type: ignore[type-arg]
    functions: list,  # type: ignore[type-arg]
    participants: list[Participant] | None = None,
    cells_only: bool = False,
) -> WorkshopView:
    """What the workshop adds to a board view. ``cells_only``: just what the matrix's rows
    and summary need (agreements, spreads, re-votes), for live cell events."""
    w = WorkshopView(mode=board.mode, round=board.round, auto_reveal=board.auto_reveal)
    w.total_pairs = len(activities) * len(phases)
    w.revoting = {a.id for a in activities if a.revoting}
    if board.spotlight_activity_id:
        w.spotlight = next((a for a in activities if a.id == board.spotlight_activity_id), None)
    if not cells_only:
        _add_discussion(session, board, w)
    if board.mode != r.WORKSHOP:
        return w  # proposals, ready marks and agreements belong to workshops
    if not cells_only:
        _add_people(session, board, w, activities, participants, viewer)
    w.agreed = {
        (g.activity_id, g.phase_id)
        for g in session.exec(select(Agreement).where(Agreement.board_id == board.id))
    }
    if w.revealed:
        names = voter_names(session, board)
        w.voter_ids = {name: pid for pid, name in names.items()}
        w.groups = {
            k: g
            for k, g in consensus_groups(session, board, names).items()
            if k[0] not in w.revoting
        }
    return w


def _add_discussion(session: Session, board: Board, w: WorkshopView) -> None:
    w.versions = list(
        session.exec(
            select(Version).where(Version.board_id == board.id).order_by(col(Version.number))
        )
    )
    if w.versions:  # the next reviews started from them
        w.reviews = [
            (b, label)
            for b, label in session.exec(
                select(Board, Version.label)
                .join(Version, col(Board.parent_version_id) == Version.id)
                .where(Version.board_id == board.id)
                .order_by(col(Board.id))
            )
        ]
        w.review_states = review_states(session, [v.id for v in w.versions if v.id])
    for c in session.exec(
        select(Comment).where(Comment.board_id == board.id).order_by(col(Comment.id))
    ):
        w.comments.setdefault(c.activity_id, []).append(c)
    w.notes = {
        (n.activity_id, n.phase_id): n.text
        for n in session.exec(select(PhaseNote).where(PhaseNote.board_id == board.id))
    }


def _add_people(
    session: Session,
    board: Board,
    w: WorkshopView,
    activities: list[Activity],
    participants: list[Participant] | None,
    viewer: Participant | None,
) -> None:
    # Progress counts activity·phase pairs a person has said something about: cells rightly
    # left empty (a function with no role there) never hold the bar below 100 %.
    counts = Counter(
        pid
        for pid, _, _ in session.exec(
            select(Proposal.participant_id, Proposal.activity_id, Proposal.phase_id)
            .where(Proposal.board_id == board.id, Proposal.slots != "")
            .distinct()
        )
    )
    if participants is None:
        participants = list(
            session.exec(
                select(Participant)
                .where(Participant.board_id == board.id)
                .order_by(col(Participant.joined_at), col(Participant.id))
            )
        )
    w.progress = [Progress(p, counts.get(p.id, 0)) for p in participants]
    if precheck_applies(board):
        w.precheck = load_precheck(
            session, board, activities=activities, participants=participants, viewer=viewer
        )
    if viewer is not None:
        w.own = {
            (p.activity_id, p.phase_id, p.function_id): p.slots
            for p in session.exec(select(Proposal).where(Proposal.participant_id == viewer.id))
            if p.slots
        }
