"""The XLSX Overview sheet: every phase side by side, who owns and who drives each activity,
on one landscape page — the slide a manager pastes into a deck. ▶ marks the phase where
ownership or driving passes to another function (as on the handoff strips)."""

from __future__ import annotations

from backend.domain.handoff import strips
from backend.exports.document import Doc
from backend.exports.safe import neutralise
from backend.exports.xlsx_base import Sheet, Styles, fit_row, print_setup, text

NAME_WIDTH, ROLE_WIDTH = 34, 12  # characters: the activity column, each owner/driver column
PASSES = "▶ "
SUBJECT = "All phases"


def holders(names: tuple[str, ...], passes: bool) -> str:
    return (PASSES if passes else "") + " + ".join(names)


def overview_sheet(ws: Sheet, doc: Doc, st: Styles) -> None:
    roles = {r["slot"]: r["name"] for r in doc["roles"]}
    phases = doc["phases"]
    text(ws, 0, 0, "Activity", st.head_left)
    text(ws, 1, 0, "", st.head_left)
    for i, phase in enumerate(phases):
        col = 1 + 2 * i
        ws.merge_range(0, col, 0, col + 1, neutralise(phase), st.head)
        text(ws, 1, col, roles["O"], st.head)
        text(ws, 1, col + 1, roles["D"], st.head)
    row = 1
    for strip in strips(doc):
        row += 1
        text(ws, row, 0, strip.activity, st.name)
        widest = [(strip.activity, NAME_WIDTH)]
        for i, step in enumerate(strip.steps):
            col = 1 + 2 * i
            owner = holders(step.owners, step.owner_passes)
            driver = holders(step.drivers, step.driver_passes)
            text(ws, row, col, owner or "—", st.role["O"] if owner else st.flag)
            text(ws, row, col + 1, driver or "—", st.role["D"] if driver else st.flag)
            widest += [(owner, ROLE_WIDTH), (driver, ROLE_WIDTH)]
        fit_row(ws, row, *widest)
    row += 2
    text(
        ws,
        row,
        0,
        f"▶ marks the phase where ownership or driving passes to another function; "
        f"— marks a phase with no {roles['O']} or no {roles['D']}.",
    )
    ws.freeze_panes(2, 1)
    ws.set_column(0, 0, NAME_WIDTH)
    ws.set_column(1, 2 * len(phases), ROLE_WIDTH)
    print_setup(ws, doc, SUBJECT, repeat=(0, 1), one_page=True)
