"""A function's card as Markdown (for a wiki) and as a one-page print page (and PDF).

The print page keeps to one page: long lists are cut with a count of what was left out
(the whole card is online), and the handoff strips are printed only when they fit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from backend.domain.card import SLOTS, Card
from backend.exports.markdown_export import cell_text
from backend.exports.pdf import html_to_pdf
from backend.exports.pictures import Pictures
from backend.exports.printing import PAPERS, paper_of
from backend.history.cards import CardPage
from backend.web import render_fragment

BUDGET = 56  # lines of 10.5 px text on a portrait A4 or Letter page, with room to spare
FULL, HALF = 110, 50  # characters on a line across the page, and in half of it


@dataclass(frozen=True)
class PrintPlan:
    """How much of a card one printed page shows; the rest is counted ("… and 3 more")."""

    rows: int  # activities in the table of roles
    items: int  # open items
    changes: int  # entries of what changed (added, removed, then cells)
    notes: int  # rationales
    strips: bool  # the handoff strips
    note_chars: int = 160


def _lines(text: str, width: int) -> int:
    return max(1, -(-len(text) // width))


def print_plan(card: Card, strips: int) -> PrintPlan:
    """Fill the page in order of importance: the table of roles (at most 24 activities),
    the open items and the changes (side by side, five each), the rationale, and the
    handoff strips (two a row) only if all of them fit."""
    used = 8  # the title, the source, the counts and the table's heading
    rows = min(len(card.holdings), 24)
    used += 1 + max(rows, 1) + (len(card.holdings) > rows)
    items = min(len(card.items), 5)
    ch = card.changes
    entries = (len(ch.added) + len(ch.removed) + len(ch.cells)) if ch else 0
    changes = min(entries, 5)
    shown = [
        *(_lines(f"{i.activity} {i.phase or ''} {i.reason} {i.decider} {i.why(card.function)}", HALF)
          for i in card.items[:items]),
    ]  # fmt: skip
    used += 4 + max(sum(shown), 2 * changes, 1)
    notes = 0
    for n in card.notes[:5]:
        need = 1 + _lines(n.rationale[:160], FULL) + (1 if n.phase_notes else 0)
        if used + 3 + need > BUDGET:
            break
        used += need
        notes += 1
    used += 3
    fits = strips <= 8 and used + 2 + 5 * -(-strips // 2) <= BUDGET
    return PrintPlan(
        rows=rows, items=items, changes=changes, notes=notes, strips=bool(strips) and fits
    )


def strips_of(page: CardPage, pics: Pictures) -> list[object]:
    """The handoff strips of the activities the function owns or drives."""
    leads = {h.activity for h in page.card.leads}
    return [s for s in pics.strips if s.activity in leads]


def file_name(page: CardPage, ext: str, *, paper: str | None = None) -> str:
    """E.g. ``lockstep-q4-roles-2026-q4-pmm-card.md``: ASCII only, for a header."""
    version = page.doc.get("version")
    words = [page.doc["title"], version["label"] if version else "live", page.card.function]
    words += ["card"] + ([paper] if paper else [])
    slug = re.sub(r"[^A-Za-z0-9]+", "-", " ".join(words)).strip("-").lower()[:80] or "card"
    return f"lockstep-{slug}.{ext}"


def clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def card_context(page: CardPage, *, prefix: str = "card") -> dict[str, Any]:
    pics = Pictures(page.doc, prefix=prefix)
    return {"page": page, "c": page.card, "pics": pics, "strips": strips_of(page, pics)}


def print_html(
    page: CardPage,
    *,
    for_pdf: bool = False,
    paper: str = "a4",
    pdf_url: str | None = None,
    back_url: str | None = None,
    query: str = "",
) -> str:
    ctx = card_context(page)
    return render_fragment(
        "card_print.html",
        **ctx,
        plan=print_plan(page.card, len(ctx["strips"])),
        for_pdf=for_pdf,
        static="." if for_pdf else "/static",
        paper=paper_of(paper),
        papers=PAPERS,
        pdf_url=pdf_url,
        back_url=back_url,
        query=query,
        clip=clip,
    )


def to_pdf(page: CardPage, *, paper: str = "a4") -> bytes:
    return html_to_pdf(print_html(page, for_pdf=True, paper=paper))


def _list(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(cell_text(n) for n in names) if names else "—"


def to_markdown(page: CardPage) -> str:
    """The card for a wiki: every typed text through ``cell_text`` (no links, images or
    HTML from what someone typed)."""
    c: Card = page.card
    doc = page.doc
    o, d = c.name("O"), c.name("D")
    out = [f"# What {cell_text(c.function)} owns", ""]
    who = f" · {cell_text(page.person)}'s card" if page.person else ""
    version = doc.get("version")
    source = (
        f"{cell_text(version['label'])} (version {version['number']})" if version else "live board"
    )
    out.append(f"{cell_text(doc['title'])} · {source}{who}")
    if c.people:
        out += ["", f"People: {_list(list(c.people))}"]
    out += [
        "",
        "Legend: " + ", ".join(f"**{c.letter(s)}** {c.name(s)}" for s in SLOTS),
        "",
        f"{o} in {c.count('O')} and {d} in {c.count('D')} activity·phase pairs; "
        f"{c.name('C')} in {c.count('C')}, {c.name('I')} in {c.count('I')}.",
        "",
        f"## {o} and {d}, phase by phase",
    ]
    for pr in c.per_phase:
        out += ["", f"### {cell_text(pr.phase)}", ""]
        out.append(f"- **{o}**: {_list(pr.by_slot['O'])}")
        out.append(f"- **{d}**: {_list(pr.by_slot['D'])}")
    out += ["", f"## {c.name('C')} and {c.name('I')}", ""]
    quiet = [pr for pr in c.per_phase if pr.by_slot["C"] or pr.by_slot["I"]]
    for pr in quiet:
        parts = [f"{c.name(s)}: {_list(pr.by_slot[s])}" for s in ("C", "I") if pr.by_slot[s]]
        out.append(f"- **{cell_text(pr.phase)}**: " + "; ".join(parts))
    if not quiet:
        out.append("Nothing.")
    if c.holdings:
        out += ["", "## Every activity with a role", ""]
        out.append("| Activity | " + " | ".join(cell_text(p) for p in c.phases) + " |")
        out.append("|---|" + "---|" * len(c.phases))
        for h in c.holdings:
            row = [h.letters.get(p, "") or " " for p in c.phases]
            out.append(f"| {cell_text(h.activity)} | " + " | ".join(row) + " |")
    out += ["", f"## Rationale of what {cell_text(c.function)} owns", ""]
    for n in c.notes:
        if n.rationale:
            out.append(f"- **{cell_text(n.activity)}**: {cell_text(n.rationale)}")
        for phase, note in n.phase_notes.items():
            out.append(f"- **{cell_text(n.activity)}** · {cell_text(phase)}: {cell_text(note)}")
    if not c.notes:
        out.append("No rationale recorded.")
    out += ["", "## Open items and parked decisions", ""]
    for it in c.items:
        where = f" · {cell_text(it.phase)}" if it.phase else ""
        decider = f" — {cell_text(it.decider)} decides" if it.decider else ""
        out.append(
            f"- **{cell_text(it.activity)}**{where}: {cell_text(it.reason)}{decider}"
            f" ({cell_text(it.why(c.function))})"
        )
    if not c.items:
        out.append("Nothing open.")
    if c.changes is not None:
        ch = c.changes
        out += ["", f"## What changed since {cell_text(ch.since)}", ""]
        out += [f"- **{cell_text(a)}**: added" for a in ch.added]
        out += [f"- **{cell_text(a)}**: removed" for a in ch.removed]
        for x in ch.cells:
            mark = f" ({o} or {d} changed)" if x.major else ""
            out.append(
                f"- **{cell_text(x.activity)}** · {cell_text(x.phase)}{mark}: {cell_text(x.what)}"
            )
        if ch.empty:
            out.append("Nothing changed.")
    return "\n".join(out) + "\n"
