"""A function's card ("what I own this quarter") of a published version or of the live board:
the documents read from the database and the card made from them (``domain.card``), with
what changed for the function since the version before."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session

from backend.boards.models import Board
from backend.boards.queries import load_matrix
from backend.domain import card as cards
from backend.errors import Invalid, NotFound
from backend.exports.document import Doc
from backend.history.compare import Comparison, doc_name
from backend.history.documents import entry_doc, version_document
from backend.history.lineage import Entry, lineage
from backend.security import Access
from backend.validation import excerpt
from backend.workshop.invite import next_review_of
from backend.workshop.snapshot import build_snapshot
from backend.workshop.viewer import version_of


@dataclass(frozen=True)
class CardPage:
    """A card with what its pages and exports also show: the document it was made from,
    every function of the board (to switch cards) and, on a participant's own card, who."""

    doc: Doc
    card: cards.Card
    functions: list[str]
    person: str | None = None
    next_review: date | None = None  # a version's

    @property
    def live(self) -> bool:
        return not self.doc.get("version")

    @property
    def source(self) -> str:
        version = self.doc.get("version")
        return f"{version['label']} (version {version['number']})" if version else "live board"


def pick_function(doc: Doc, name: str | None) -> str:
    """The board's spelling of the function ``name`` (any case); a clear 404 otherwise."""
    if not name or not name.strip():
        raise Invalid("Say which function's card: ?function=PMM")
    found = cards.find_function(doc, name)
    if found is None:
        raise NotFound(
            f"No function {excerpt(name)!r} here; the functions are " + ", ".join(doc["functions"])
        )
    return found


def changes_since(c: Comparison | None, function: str) -> cards.Changes | None:
    if c is None:
        return None
    before, after = c.matrices
    roles = [(r["letter"], r["name"], r["slot"]) for r in c.after["roles"]]
    return cards.function_changes(
        before,
        after,
        function,
        roles=roles,
        phases=list(c.after["phases"]),
        since=doc_name(c.before),
    )


def make(
    doc: Doc, c: Comparison | None, function: str | None, *, people: dict[str, list[str]]
) -> CardPage:
    name = pick_function(doc, function)
    return CardPage(
        doc=doc,
        card=cards.card(doc, name, changes=changes_since(c, name), people=people.get(name, [])),
        functions=list(doc["functions"]),
    )


def version_card(session: Session, board: Board, number: int, function: str | None) -> CardPage:
    """The card of ``function`` in version ``number``, with the changes since the version
    before it in the lineage."""
    doc, c = version_document(session, board, number)
    page = make(doc, c, function, people={})
    return replace(page, next_review=next_review_of(version_of(session, board, number)))


def live_base(session: Session, board: Board) -> Entry | None:
    """What the live board is compared with: its own latest version, or else the version
    its review started from."""
    entries = lineage(session, board)
    own = [e for e in entries if e.board.id == board.id]
    if own:
        return max(own, key=lambda e: e.version.number)
    return next((e for e in entries if e.id == board.parent_version_id), None)


def live_card(session: Session, access: Access, function: str | None) -> CardPage:
    """The card of the live board: its current matrix, with the open items it would be
    published with. A participant's card is their own function's unless they ask for
    another; the facilitator's is the first function's unless asked."""
    board = access.board
    view = load_matrix(session, board)
    doc = build_snapshot(session, view, label="", number=0, published_by="")
    doc.pop("version", None)
    fid_name = view.names
    people: dict[str, list[str]] = {}
    for p in view.participants:
        if p.function_id in fid_name:
            people.setdefault(fid_name[p.function_id], []).append(p.name)
    me = access.participant
    if not function:
        own = fid_name.get(me.function_id) if me is not None and me.function_id else None
        function = own or (doc["functions"][0] if doc["functions"] else None)
    if function is None:
        raise NotFound("This board has no functions yet")
    base = live_base(session, board)
    c = Comparison(entry_doc(base), doc) if base is not None else None
    page = make(doc, c, function, people=people)
    if me is not None and fid_name.get(me.function_id or 0) == page.card.function:
        page = replace(page, person=me.name)
    return page
