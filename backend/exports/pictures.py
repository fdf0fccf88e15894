"""Server-rendered inline SVG pictures of a document (a version's snapshot or an export):
the handoff strip of an activity, the board's swimlane and the Owner/Driver load chart.

Every text is escaped; no style attributes (the CSP forbids them): presentation attributes
and classes styled in app.css. Colour always comes with a letter (O/D in the framework's
letters) and flags with a dashed outline, a hatch and a "!" — never colour alone. Each SVG
has role="img" and a <title>, and comes with a visually hidden table or list saying the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count
from typing import Any

from markupsafe import Markup, escape

from backend.domain.handoff import Load, Strip, load, strips

OWNER = ("#EDE9FE", "#5B21B6")  # (fill, ink), as the O cells on screen
DRIVER = ("#DBEAFE", "#0B5FA5")
FLAG = "#B42318"
BAR_H = 150  # the tallest bar of the load chart, in viewBox units


@dataclass(frozen=True)
class LaneSize:
    """The swimlane's measures, in viewBox units."""

    label: int  # the function names' column
    column: int  # each phase
    lane: int  # each function
    head: int  # the phase names' row
    font: int
    driver_dx: int  # where the driver's count sits from the owner's: below, or beside it
    driver_dy: int
    count_width: int  # room for "O 12" before its bar
    bar: int  # the longest bar
    bar_height: int
    phase_chars: int
    function_chars: int
    to_largest: bool = False  # the longest bar for the largest count, not for every activity


# A version's pages and print: the driver's line under the owner's; a bar as long as the
# board has activities.
LANE = LaneSize(84, 120, 46, 20, 12, 0, 19, 30, 80, 12, 16, 11)
# The projector's published picture, under the agreed matrix and as wide: one line per
# function, its columns under the matrix's (35% for the names, the phases sharing the rest),
# text 22 units high in a viewBox about as wide as the wall shows it.
LANE_WALL = LaneSize(539, 250, 40, 30, 22, 122, 0, 54, 56, 16, 22, 30, to_largest=True)


def short(name: str, n: int = 10) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def _attrs(**kw: object) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(str(v))}"' for k, v in kw.items())


def el(tag: str, body: str = "", /, **kw: object) -> str:
    return (
        f"<{tag}{_attrs(**kw)}>{body}</{tag}>"
        if body or tag == "text"
        else f"<{tag}{_attrs(**kw)}/>"
    )


def txt(x: float | str, y: float | str, text: str, /, **kw: object) -> str:
    return el("text", str(escape(text)), x=x, y=y, **kw)


def svg(uid: str, title: str, width: float, height: float, body: Iterable[str], cls: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pic {cls}" role="img"'
        f' viewBox="0 0 {width:g} {height:g}" width="100%" preserveAspectRatio="xMinYMin meet"'
        f' aria-labelledby="{uid}-t" font-family="system-ui, sans-serif">'
        f'<title id="{uid}-t">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


class Pictures:
    """The pictures of one document; ``prefix`` keeps ids unique on a page."""

    def __init__(self, doc: dict[str, Any], prefix: str = "pic") -> None:
        self.doc = doc
        self.load: Load = load(doc)
        self.strips: list[Strip] = strips(doc)
        roles = {r["slot"]: r for r in doc["roles"]}
        self.o, self.d = roles["O"]["letter"], roles["D"]["letter"]
        self.o_name, self.d_name = roles["O"]["name"], roles["D"]["name"]
        self._ids = count(1)
        self.prefix = prefix

    def uid(self) -> str:
        return f"{self.prefix}{next(self._ids)}"

    # -- the handoff strip of one activity ---------------------------------------------------
    def strip_svg(self, s: Strip, uid: str | None = None) -> str:
        uid = uid or self.uid()
        seg, top, row = 120, 16, 22
        width = seg * max(len(s.steps), 1)
        body: list[str] = []
        for i, st in enumerate(s.steps):
            x = i * seg
            body.append(txt(x + 4, 12, short(st.phase, 16), class_="pic-phase", font_size=11))
            for j, (who, letter, (fill, ink), passes, kind) in enumerate(
                (
                    (st.owners, self.o, OWNER, st.owner_passes, "owner"),
                    (st.drivers, self.d, DRIVER, st.driver_passes, "driver"),
                )
            ):
                y = top + j * row
                names = " + ".join(who)
                attrs: dict[str, object] = {"data_phase": st.phase, "data_role": kind}
                # A held role: its colours; nobody: a dashed white box.
                look: dict[str, object] = (
                    {"fill": fill, "stroke": ink, "class_": f"pic-{kind}"}
                    if who
                    else {
                        "fill": "#FFFFFF",
                        "stroke": "#9AA3AF",
                        "stroke_dasharray": "3 3",
                        "class_": "pic-none",
                    }
                )
                body.append(
                    el(
                        "rect",
                        x=x + 1,
                        y=y,
                        width=seg - 2,
                        height=row - 2,
                        rx=3,
                        data_who=names,
                        **look,
                        **attrs,
                    )
                )
                if who:
                    body.append(
                        txt(
                            x + 10,
                            y + 15,
                            f"{letter} {short(names, 14)}",
                            fill=ink,
                            font_size=12,
                            font_weight="bold",
                            class_=f"pic-{kind}-ink",
                        )  # fmt: skip
                    )
                else:
                    body.append(txt(x + 10, y + 15, f"{letter} —", fill="#5B6470", font_size=12))
                if passes:
                    cy = y + (row - 2) / 2
                    body.append(
                        el(
                            "path",
                            d=f"M{x - 6} {cy - 7} L{x + 6} {cy} L{x - 6} {cy + 7} Z",
                            fill=FLAG,
                            class_="pic-pass",
                            data_phase=st.phase,
                            data_role=kind,
                        )  # fmt: skip
                    )
        title = f"Handoff strip of {s.activity}: " + "; ".join(
            f"{st.phase}: {self.o_name} {' + '.join(st.owners) or 'none'}, "
            f"{self.d_name} {' + '.join(st.drivers) or 'none'}"
            for st in s.steps
        )
        return svg(uid, title, width, top + 2 * row, body, "pic-strip")

    def strip_text(self, s: Strip) -> str:
        items = [
            f"<li>{escape(st.phase)}: {escape(self.o_name)} {escape(' + '.join(st.owners) or 'none')}"
            f", {escape(self.d_name)} {escape(' + '.join(st.drivers) or 'none')}</li>"
            for st in s.steps
        ]
        items += [f"<li>{escape(self._handoff_text(h.kind, h.before, h.after, h.phase))}</li>"
                  for h in s.handoffs]  # fmt: skip
        return f'<ul class="sr-only">{"".join(items)}</ul>'

    def _handoff_text(self, kind: str, before: tuple[str, ...], after: tuple[str, ...],
                      phase: str) -> str:  # fmt: skip
        what = self.o_name if kind == "owner" else self.d_name
        return f"{what} passes from {' + '.join(before)} to {' + '.join(after)} in {phase}"

    def strip(self, s: Strip, *, upright: bool = False) -> Markup:
        """``upright``: phases down instead of across, for a narrow side panel."""
        drawn = self.upright_strip_svg(s) if upright else self.strip_svg(s)
        return Markup(f'<div class="picture">{drawn}{self.strip_text(s)}</div>')

    def upright_strip_svg(self, s: Strip, uid: str | None = None) -> str:
        """The handoff strip turned upright: a row per phase (its name, who owns, who
        drives), ▼ on a box where that role passes to another function. Sized to be shown
        about as wide as its viewBox (240 units), so its text stays about 12 px."""
        uid = uid or self.uid()
        name_w, box_w, row, top = 72, 82, 26, 16
        body: list[str] = [
            txt(name_w + 4, 12, self.o_name, class_="pic-phase", font_size=11),
            txt(name_w + box_w + 8, 12, self.d_name, class_="pic-phase", font_size=11),
        ]
        for i, st in enumerate(s.steps):
            y = top + i * row
            body.append(txt(0, y + 16, short(st.phase, 11), class_="pic-phase", font_size=12,
                            font_weight="bold"))  # fmt: skip
            for j, (who, letter, (fill, ink), passes, kind) in enumerate(
                (
                    (st.owners, self.o, OWNER, st.owner_passes, "owner"),
                    (st.drivers, self.d, DRIVER, st.driver_passes, "driver"),
                )
            ):
                x = name_w + j * (box_w + 4)
                names = " + ".join(who)
                look: dict[str, object] = (
                    {"fill": fill, "stroke": ink, "class_": f"pic-{kind}"}
                    if who
                    else {"fill": "#FFFFFF", "stroke": "#9AA3AF", "stroke_dasharray": "3 3",
                          "class_": "pic-none"}
                )  # fmt: skip
                body.append(el("rect", x=x, y=y + 1, width=box_w, height=row - 4, rx=3,
                               data_who=names, data_phase=st.phase, data_role=kind, **look))  # fmt: skip
                shown = f"{letter} {short(names, 10)}" if who else f"{letter} —"
                body.append(txt(x + 6, y + 16, shown, fill=ink if who else "#5B6470",
                                font_size=12, font_weight="bold" if who else "normal"))  # fmt: skip
                if passes:
                    cx = x + box_w - 12
                    body.append(el("path", d=f"M{cx - 7} {y - 3} L{cx + 7} {y - 3} L{cx} {y + 6} Z",
                                   fill=FLAG, class_="pic-pass", data_phase=st.phase,
                                   data_role=kind))  # fmt: skip
        title = f"Handoff strip of {s.activity}: " + "; ".join(
            f"{st.phase}: {self.o_name} {' + '.join(st.owners) or 'none'}, "
            f"{self.d_name} {' + '.join(st.drivers) or 'none'}"
            for st in s.steps
        )
        width = name_w + 2 * box_w + 4
        return svg(uid, title, width, top + row * max(len(s.steps), 1), body, "pic-strip")

    def handoff_lines(self, s: Strip) -> list[str]:
        return [self._handoff_text(h.kind, h.before, h.after, h.phase) for h in s.handoffs]

    # -- the swimlane: one lane per function, phases across -----------------------------------
    def swimlane_svg(
        self, uid: str | None = None, *, size: LaneSize = LANE, caption: str = ""
    ) -> str:
        """``caption``: shown above the function names, beside the phase names."""
        uid = uid or self.uid()
        ld = self.load
        k = size
        lab, col, lane, head, font = k.label, k.column, k.lane, k.head, k.font
        most = max([n for row in ld.counts.values() for pair in row.values() for n in pair] + [1])
        unit = k.bar / (most if k.to_largest else max(ld.activities, 1))
        body: list[str] = (
            [txt(4, head - 6, caption, font_size=font, class_="pic-caption")] if caption else []
        )
        for i, p in enumerate(ld.phases):
            body.append(txt(lab + i * col + 4, head - 6, short(p, k.phase_chars), class_="pic-phase",
                            font_size=font, font_weight="bold"))  # fmt: skip
        for r, f in enumerate(ld.functions):
            y = head + r * lane
            body.append(el("rect", x=0, y=y, width=lab + col * len(ld.phases), height=lane - 4,
                           fill="#F6F7F9" if r % 2 == 0 else "#FFFFFF", class_="pic-lane"))  # fmt: skip
            body.append(txt(4, y + (lane - 4) / 2 + font / 3, short(f, k.function_chars),
                            font_size=font, font_weight="bold", class_="pic-function"))  # fmt: skip
            for i, p in enumerate(ld.phases):
                o, d = ld.counts[f][p]
                for j, (n, letter, (_fill, ink), kind) in enumerate(
                    ((o, self.o, OWNER, "owner"), (d, self.d, DRIVER, "driver"))
                ):
                    x = lab + i * col + 4 + j * k.driver_dx
                    yy = y + 4 + j * k.driver_dy
                    body.append(txt(x, yy + font * 0.95, f"{letter} {n}", fill=ink, font_size=font,
                                    font_weight="bold", class_=f"pic-{kind}-ink"))  # fmt: skip
                    body.append(
                        el(
                            "rect",
                            x=x + k.count_width,
                            y=f"{yy + (font - k.bar_height) / 2 + 1:g}",
                            width=f"{n * unit:g}",
                            height=k.bar_height,
                            fill=ink,
                            stroke=ink,
                            class_=f"pic-{kind}",
                            data_function=f,
                            data_phase=p,
                            data_value=n,
                        )  # fmt: skip
                    )
        title = (
            f"Swimlane: activities each function owns ({self.o}) and drives ({self.d}) per phase"
        )
        return svg(uid, title, lab + col * len(ld.phases), head + lane * len(ld.functions),
                   body, "pic-swimlane")  # fmt: skip

    def load_table(self, caption: str) -> str:
        ld = self.load
        head = "".join(f'<th scope="col">{escape(p)}</th>' for p in ld.phases)
        rows = []
        for f in ld.functions:
            cells = []
            for p in ld.phases:
                o, d = ld.counts[f][p]
                flags = "".join(f"; flagged: {escape(fl.text)}" for fl in ld.flags_for(f, p))
                cells.append(
                    f"<td>{o} {escape(self.o_name)}, {d} {escape(self.d_name)}{flags}</td>"
                )
            rows.append(f'<tr><th scope="row">{escape(f)}</th>{"".join(cells)}</tr>')
        return (
            f'<div class="sr-only"><table><caption>{escape(caption)}</caption>'
            f'<thead><tr><th scope="col">Function</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def swimlane(self, *, size: LaneSize = LANE, caption: str = "") -> Markup:
        return Markup(
            f'<div class="picture">{self.swimlane_svg(size=size, caption=caption)}'
            f"{self.load_table('Activities owned and driven per function and phase')}</div>"
        )

    # -- the load chart: stacked Owner + Driver bars per function and phase -------------------
    def load_chart_svg(self, uid: str | None = None) -> str:
        uid = uid or self.uid()
        ld = self.load
        bar, gap, group, left, top = 30, 8, 26, 8, 34
        unit = BAR_H / ld.largest()
        per = len(ld.functions) * (bar + gap) - gap
        width = left + len(ld.phases) * (per + group)
        base = top + BAR_H
        body: list[str] = [
            f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
            f' patternTransform="rotate(45)"><rect width="2" height="6" fill="{FLAG}"/></pattern></defs>',
            el("line", x1=0, y1=base, x2=width, y2=base, stroke="#5B6470", class_="pic-axis"),
            txt(
                left,
                12,
                f"■ {self.o} {self.o_name}",
                fill=OWNER[1],
                font_size=12,
                font_weight="bold",
            ),  # fmt: skip
            txt(
                left + 110,
                12,
                f"■ {self.d} {self.d_name}",
                fill=DRIVER[1],
                font_size=12,
                font_weight="bold",
            ),  # fmt: skip
            txt(left + 220, 12, "! flagged", fill=FLAG, font_size=12, font_weight="bold"),
        ]
        for i, p in enumerate(ld.phases):
            gx = left + i * (per + group)
            phase_flagged = any(fl.phase == p for fl in ld.flags)
            body.append(txt(gx, base + 32, short(p, 14) + (" !" if phase_flagged else ""),
                            font_size=12, font_weight="bold", class_="pic-phase"))  # fmt: skip
            for j, f in enumerate(ld.functions):
                o, d = ld.counts[f][p]
                x = gx + j * (bar + gap)
                flags = ld.flags_for(f, p)
                y: float = base
                for n, letter, (fill, ink), kind in (
                    (o, self.o, OWNER, "owner"),
                    (d, self.d, DRIVER, "driver"),
                ):
                    h = n * unit
                    y -= h
                    body.append(
                        el(
                            "rect",
                            x=x,
                            y=f"{y:g}",
                            width=bar,
                            height=f"{h:g}",
                            fill=fill,
                            stroke=ink,
                            class_=f"pic-{kind} pic-bar",
                            data_function=f,
                            data_phase=p,
                            data_role=kind,
                            data_value=n,
                        )  # fmt: skip
                    )
                    if n and h >= 14:
                        body.append(txt(x + 3, f"{y + h / 2 + 4:g}", f"{letter}{n}", fill=ink,
                                        font_size=11, font_weight="bold"))  # fmt: skip
                label = f"{o}+{d}" if o + d else "0"
                if flags:
                    body.append(
                        el(
                            "rect",
                            x=x - 2,
                            y=f"{y - 2:g}",
                            width=bar + 4,
                            height=f"{base - y + 2:g}",
                            fill=f"url(#{uid}-hatch)",
                            fill_opacity="0.35",
                            stroke=FLAG,
                            stroke_width=2,
                            stroke_dasharray="4 3",
                            class_="pic-flag",
                            data_function=f,
                            data_phase=p,
                            data_flags=" ".join(fl.kind for fl in flags),
                        )  # fmt: skip
                    )
                    label = "! " + label
                body.append(txt(x, f"{y - 5:g}", label, font_size=11,
                                fill=FLAG if flags else "#1F2933",
                                class_="pic-value"))  # fmt: skip
                body.append(txt(x, base + 14, short(f, 5), font_size=11, class_="pic-function"))
        title = f"{self.o_name} and {self.d_name} load per function and phase, stacked" + (
            "; flagged: " + "; ".join(fl.text for fl in ld.flags) if ld.flags else ""
        )
        return svg(uid, title, width, base + 40, body, "pic-load")

    def load_chart(self) -> Markup:
        flags = "".join(f"<li>{escape(fl.text)}</li>" for fl in self.load.flags)
        shown = f'<ul class="pic-flags">{flags}</ul>' if flags else ""
        return Markup(
            f'<div class="picture">{self.load_chart_svg()}'
            f"{self.load_table(f'{self.o_name} and {self.d_name} load per function and phase')}"
            f"{shown}</div>"
        )
