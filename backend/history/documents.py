"""Export documents that carry their history: a version (or the live board) plus what
changed since the version before it, or since any version of the lineage asked for. Both
carry the same sections: open items (parked decisions with their deciders, pairs not
agreed, carried-over rationale) and rule findings."""

from __future__ import annotations

from sqlmodel import Session

from backend.boards.models import Board
from backend.boards.queries import load_matrix
from backend.errors import NotFound
from backend.exports.document import Doc, with_findings
from backend.exports.json_export import to_dict
from backend.history.compare import Comparison
from backend.history.lineage import Entry, find, lineage, previous
from backend.workshop.snapshot import annotate
from backend.workshop.viewer import version_of


def entry_doc(entry: Entry) -> Doc:
    doc = entry.doc()
    doc["version"]["published_at"] = entry.version.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return with_findings(doc)


Documented = tuple[Doc, Comparison | None]


def with_changes(doc: Doc, base: Entry | None) -> Documented:
    """``doc`` with its ``changes`` since ``base`` (and the comparison, for pages)."""
    if base is None:
        return doc, None
    c = Comparison(entry_doc(base), doc)
    doc["changes"] = c.to_dict()
    return doc, c


def version_document(
    session: Session, board: Board, number: int | None, *, against: int | None = None
) -> Documented:
    """Version ``number`` of ``board`` (the latest when None), with ``changes`` since the
    version ``against`` (a version id in the lineage), or else since the previous one."""
    version = version_of(session, board, number)
    entries = lineage(session, board)
    entry = find(entries, version.id, what="this version")
    if against is not None:
        base: Entry | None = find(entries, against, what="against")
    else:
        base = previous(entries, entry)
    return with_changes(entry_doc(entry), base if base and base.id != entry.id else None)


def live_document(session: Session, board: Board) -> Documented:
    """The live board, with ``changes`` since the version its review started from."""
    view = load_matrix(session, board, with_participants=False)
    doc = to_dict(view)
    doc.update(mode=board.mode, open_items=annotate(session, view, doc))
    with_findings(doc)
    base = None
    if board.parent_version_id is not None:
        base = next((e for e in lineage(session, board) if e.id == board.parent_version_id), None)
    return with_changes(doc, base)


def compare_document(
    session: Session, board: Board, *, before: int | None, after: int | None
) -> Documented:
    """Version ``after`` (ids in the lineage; the latest when None) with ``changes`` since
    ``before`` (its previous version when None)."""
    entries = lineage(session, board)
    if not entries:
        raise NotFound("Nothing has been published yet")
    to = find(entries, after, what="to") if after is not None else entries[-1]
    base = find(entries, before, what="from") if before is not None else previous(entries, to)
    return with_changes(entry_doc(to), base)
