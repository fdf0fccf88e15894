"""The rule findings panel's list, one item per finding, in Python: it goes out with every
cell edit's live update and a board can have a hundred findings, each a template include's
worth of work in Jinja (see ``cell_html.py`` for the cells)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

SHOWN = 200  # findings listed; the panel's count says how many there are in all


def finding_items(screen: Any, offer: Any) -> Markup:
    """``screen`` is a workshop Screen and ``offer`` its ``findings`` (duck-typed: this
    layer does not import the workshop)."""
    view = screen.v
    board_id = view.board.id
    who = "facilitator-only" if offer.workshop else "editor-only"
    activities, phases = view.activity_names, view.phase_names
    out = []
    for e in offer.entries[:SHOWN]:
        level = e.finding.level
        key = escape(e.key)
        message = escape(e.finding.message)
        where = (
            f"<strong>{escape(activities[e.activity])}</strong> · "
            if e.activity is not None
            else ""
        )
        fix = ""
        if screen.fixable(e):
            fix = (
                f'<details class="fixes {who}" id="fixes-{key}" '
                f'data-fixes-url="/boards/{board_id}/fixes/{key}"><summary>Fix…'
                f'<span class="sr"> {message}</span></summary><div class="fix-body" '
                f'id="fix-body-{key}" aria-live="polite"><p class="muted small">Working out the '
                "fixes…</p></div></details>"
            )
        out.append(
            f'<li class="problem-{level}" data-finding="{key}"><span class="st st-{level}">'
            f"{'✕' if level == 'error' else '!'}</span> {where}{escape(phases[e.phase])}: "
            f"{message} {fix}</li>"
        )
    return Markup("".join(out))
