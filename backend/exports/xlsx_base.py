"""What every sheet of the XLSX export shares: its formats, text written as text (never a
formula), row heights for wrapped text, and the page set-up for printing — landscape, one
page wide, the board title, version label and sheet's subject in the page header, header
rows repeated on every page.

XlsxWriter ships no type hints, so its workbook and sheets are ``Any`` here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.exports.document import Doc, label
from backend.exports.safe import neutralise

Sheet = Any  # xlsxwriter.worksheet.Worksheet
Format = Any  # xlsxwriter.format.Format

COLOURS = {  # slot -> (font, fill), as on screen
    "O": ("#5B21B6", "#EDE9FE"),
    "D": ("#0B5FA5", "#DBEAFE"),
    "C": ("#8A4B00", "#FDECC8"),
    "I": ("#3F4752", "#E5E7EB"),
}
FLAG = "#B42318"
HEADER_MAX = 255  # characters Excel keeps of a page header, its codes included
LINE_HEIGHT = 15  # points per line of 11-point text


@dataclass(frozen=True)
class Styles:
    bold: Format
    title: Format
    head: Format  # a centred column heading
    head_left: Format
    wrap: Format  # wrapped text, top-aligned
    name: Format  # an activity name: bold, wrapped, top-aligned
    flag: Format  # an error finding or a missing owner, in the flag colour
    role: dict[str, Format]  # slot -> coloured, centred letters
    empty: Format
    marked: dict[str, Format]  # as ``role``, outlined: changed since the compared version
    marked_empty: Format


def styles(wb: Any) -> Styles:
    return Styles(
        bold=wb.add_format({"bold": True}),
        title=wb.add_format({"bold": True, "font_size": 16}),
        head=wb.add_format(
            {"bold": True, "bg_color": "#F0F2F5", "border": 1, "align": "center", "valign": "top"}
        ),
        head_left=wb.add_format({"bold": True, "bg_color": "#F0F2F5", "border": 1}),
        wrap=wb.add_format({"text_wrap": True, "valign": "top"}),
        name=wb.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        flag=wb.add_format({"bold": True, "font_color": FLAG, "text_wrap": True, "valign": "top"}),
        role={
            slot: wb.add_format(
                {
                    "bold": True,
                    "font_color": fg,
                    "bg_color": bg,
                    "align": "center",
                    "valign": "top",
                    "border": 1,
                    "text_wrap": True,
                }
            )
            for slot, (fg, bg) in COLOURS.items()
        },
        empty=wb.add_format({"border": 1}),
        marked={
            slot: wb.add_format(
                {"bold": True, "font_color": fg, "bg_color": bg, "align": "center", "border": 5}
            )
            for slot, (fg, bg) in COLOURS.items()
        },
        marked_empty=wb.add_format({"border": 5}),
    )


def text(ws: Sheet, row: int, col: int, value: str | None, fmt: Format = None) -> None:
    """Typed text, always as a string and never as something a spreadsheet would run."""
    ws.write_string(row, col, neutralise(value or ""), fmt)


def text_lines(value: str | None, width: float) -> int:
    """About how many lines a wrapped cell of ``width`` characters needs (bold text is a
    little wider, so a tenth is kept spare)."""
    usable = max(1, int(width * 0.9))
    return max(1, sum(-(-len(part) // usable) or 1 for part in (value or "").split("\n")))


def fit_row(ws: Sheet, row: int, *cells: tuple[str | None, float]) -> None:
    """Make ``row`` tall enough for the longest of its wrapped ``(text, width)`` cells."""
    lines = max([text_lines(value, width) for value, width in cells] + [1])
    if lines > 1:
        ws.set_row(row, LINE_HEIGHT * lines)


def header_part(value: str, limit: int) -> str:
    """Text for a page header: at most ``limit`` characters once ``&`` (a header code) is
    doubled so that it prints as itself, cut with an ellipsis if it is longer."""
    out = value.replace("&", "&&")
    while len(out) > limit:
        value = value[: max(0, len(value) - (len(out) - limit) - 1)].rstrip()
        out = value.replace("&", "&&") + "…"
    return out


def page_header(doc: Doc, subject: str) -> str:
    """Board title on the left, version label in the middle, the sheet's phase (or what the
    sheet is) on the right; within Excel's 255 characters whatever was typed."""
    return (
        "&L" + header_part(doc["title"], 130) + "&C" + header_part(label(doc), 60)
        # 130 + 60 + 55 + the three codes' 6 characters stays under HEADER_MAX
        + "&R" + header_part(subject, 55)
    )  # fmt: skip


def print_setup(
    ws: Sheet, doc: Doc, subject: str, *, repeat: tuple[int, int], one_page: bool = False
) -> None:
    """Landscape, as wide as one page (and as tall, with ``one_page``), the page header, and
    rows ``repeat`` (first, last) printed at the top of every page."""
    ws.set_landscape()
    ws.fit_to_pages(1, 1 if one_page else 0)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.5)
    ws.set_header(page_header(doc, subject), {"margin": 0.3})
    ws.repeat_rows(*repeat)
