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
        activity = activities[e.activity] if e.activity is not None else None
        key = (board_id, who, e.key, e.finding, activity, phases[e.phase], screen.fixable(e))
        item = _ITEMS.get(key)
        if item is None:
            if len(_ITEMS) >= MEMO:
                _ITEMS.clear()
            item = _ITEMS[key] = _item(*key)
        out.append(item)
    return Markup("".join(out))


# Most findings stay as they are from one edit to the next: each item is built once.
MEMO = 20_000
_ITEMS: dict[tuple[Any, ...], str] = {}


def _item(
    board_id: int, who: str, key: str, finding: Any, activity: str | None, phase: str, fix: bool
) -> str:
    level = finding.level
    key = escape(key)
    message = escape(finding.message)
    where = f"<strong>{escape(activity)}</strong> · " if activity is not None else ""
    fixes = (
        f'<details class="fixes {who}" id="fixes-{key}" '
        f'data-fixes-url="/boards/{board_id}/fixes/{key}"><summary>Fix…'
        f'<span class="sr"> {message}</span></summary><div class="fix-body" '
        f'id="fix-body-{key}" aria-live="polite"><p class="muted small">Working out the '
        "fixes…</p></div></details>"
        if fix
        else ""
    )
    return (
        f'<li class="problem-{level}" data-finding="{key}"><span class="st st-{level}">'
        f"{'✕' if level == 'error' else '!'}</span> {where}{escape(phase)}: "
        f"{message} {fixes}</li>"
    )
