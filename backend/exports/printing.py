"""The print page: an agreed matrix laid out for paper, a phase per landscape page."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.exports.document import Doc, findings_of
from backend.exports.pictures import Pictures
from backend.history.compare import Comparison
from backend.web import render_fragment

PAPERS = {"a4": "A4", "letter": "Letter"}


def paper_of(value: str | None) -> str:
    return value if value in PAPERS else "a4"


def print_html(
    doc: Doc,
    c: Comparison | None,
    *,
    for_pdf: bool = False,
    paper: str = "a4",
    pdf_url: str | None = None,
    back_url: str | None = None,
    token_q: str | None = None,
) -> str:
    return render_fragment(
        "print.html",
        doc=doc,
        findings=findings_of(doc),
        open_items=doc.get("open_items") or [],
        pics=Pictures(doc),
        c=c,
        for_pdf=for_pdf,
        static="." if for_pdf else "/static",
        paper=paper_of(paper),
        papers=PAPERS,
        pdf_url=pdf_url,
        back_url=back_url,
        token_q=token_q,
        printed_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
    )
