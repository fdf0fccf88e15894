"""The matrix's cells as HTML, built in Python.

A big board has thousands of cells and a template loop spends tens of microseconds on
each; these few string joins take a few. The markup is the same the templates would
write: letters and ids only, plus escaped names in a revealed workshop's spread.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from backend.domain.consensus import Spread, tied
from backend.domain.frameworks import SLOTS


def _spread_html(spread: Spread, to_letters, cid: str) -> str:  # type: ignore[no-untyped-def]
    """The proposals for one cell as chips (letters and how many said them), and who said
    what as text: shown on tap or focus by static/js/matrix.js, and the cell's accessible description."""
    who = " · ".join(f"{to_letters(v) or 'no role'}: {', '.join(n)}" for v, n in spread.votes)
    chips = "".join(
        f'<span class="chip">{to_letters(v) or "–"}<b>{len(n)}</b></span>' for v, n in spread.votes
    )
    neq = "" if spread.unanimous else '<span class="neq" title="People disagree">≠</span>'
    return (
        f'<span class="spread" aria-hidden="true">{chips}{neq}</span>'
        f'<span class="who" id="w{cid[1:]}" hidden>{escape(who)}</span>'
    )


def row_cells(screen, activity, phase, index: int = 0) -> Markup:  # type: ignore[no-untyped-def]
    """The <td> cells of one activity in one phase (one per function); ``index`` is the
    phase's position (a phone shows one phase at a time)."""
    fw = screen.v.framework
    letter = {s: fw.letter(s) for s in SLOTS}
    a, p = activity.id, phase.id
    values = screen.w.own if screen.shows_own(a) else screen.v.cells
    group = screen.w.groups.get((a, p))
    # In a review, a proposal the room backs that differs from last quarter's value.
    review = group is not None and screen.is_review and not screen.agreed(a, p)
    out = []
    for i, f in enumerate(screen.function_ids):
        slots = values.get((a, p, f), "")
        spread = group.cells.get(f) if group else None
        cls = "cell phase-start" if i == 0 else "cell"
        extra = ""
        cid = f"c-{a}-{p}-{f}"
        described = ""
        if spread is not None:
            if not spread.unanimous:
                cls += " disputed"
            extra = _spread_html(spread, fw.to_letters, cid)
            described = f' aria-describedby="w{cid[1:]}"'
            if review and spread.majority is not None and spread.majority != slots:
                cls += " proposed-change"
                extra += (
                    f'<span class="proposed" title="The room proposes '
                    f'{fw.to_letters(spread.majority) or "no role"} instead">'
                    f"→ {fw.to_letters(spread.majority) or '–'}</span>"
                )
        was = screen.changed_since.get((a, p, f)) if screen.since else None
        if was is not None:
            cls += " changed"
            extra += f'<span class="was">was {fw.to_letters(was) or "–"}</span>'
        roles = "".join(f'<span class="role role-{x}">{letter[x]}</span>' for x in slots)
        out.append(
            f'<td class="{cls}" data-p="{index}"><button class="cellbtn" id="{cid}" data-letters="{"".join(letter[x] for x in slots)}"'
            f' aria-labelledby="a{a} ph{p} fn{p}-{f} {cid}"{described}>{roles}</button>{extra}</td>'
        )
    return Markup("".join(out))


ICONS = {"ok": "✓", "warning": "!", "error": "✕", "open": "·"}


def status_cell(screen, activity, phase, index: int = 0) -> Markup:  # type: ignore[no-untyped-def]
    """The rule check of one activity in one phase, and in a workshop whether it is agreed."""
    a, p = activity.id, phase.id
    st = screen.v.status(a, p)
    agreed = screen.agreed(a, p)
    said = "; ".join(f.message for f in st.findings)
    title = f' title="{escape(said)}"' if said else ""
    sr = escape(f"{phase.name}: {said or st.state}")
    extra = ""
    w = screen.w
    if w.is_workshop and w.round not in ("setup", "propose"):
        deciding = w.round in ("reveal", "agreed")  # once published, nothing to accept
        if agreed:
            extra = '<span class="agreed-mark" title="Agreed">agreed</span>'
        elif not deciding:
            pass
        elif screen.voters(a, p) and a not in w.revoting and tied(w.groups[(a, p)]):
            # No majority to take: the discussion panel offers each side in one click.
            label = escape(
                f"A tie for {activity.name} in {phase.name}: spotlight it to pick a side"
            )
            extra = (
                f'<button type="button" class="small facilitator-only accept-btn" '
                f'hx-post="/boards/{screen.v.board.id}/spotlight" '
                f"hx-vals='{{\"activity_id\": {a}}}' "
                f'hx-swap="none" title="A tie: spotlight it to take one side" aria-label="{label}">tie…</button>'
            )
        elif screen.voters(a, p) and a not in w.revoting:
            label = escape(f"Accept majority for {activity.name} in {phase.name}")
            extra = (
                f'<button type="button" class="small facilitator-only accept-btn" '
                f'hx-post="/boards/{screen.v.board.id}/accept" '
                f'hx-vals=\'{{"activity_id": {a}, "phase_id": {p}, "use": "majority"}}\' '
                f'hx-swap="none" title="Take the majority proposal as agreed" aria-label="{label}">accept</button>'
            )
    cls = f"status st-{st.state}" + (" is-agreed" if agreed else "")
    return Markup(
        f'<td class="{cls}" data-p="{index}"{title}><span aria-hidden="true">{ICONS[st.state]}</span>'
        f'<span class="sr">{sr}</span>{extra}</td>'
    )
