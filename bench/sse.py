"""Pure parts of the benchmark's live clients: an incremental SSE parser, what an event
says about the edited cell, and the tally of delivered / wrong / missing events.

Lockstep's cell event carries the edited cell as ``<button ... id="c-A-P-F"
data-letters="OD" ...><span class="role role-O">O</span>...</button>``
(backend/boards/cell_html.py). The floor's event carries a fixed-width marker
``<m CELL=LETTERS>...`` in place of a slice of a captured Lockstep event, so that both
events have the same size and number of ``data:`` lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

Found = tuple[tuple[str, str], ...]  # (cell id, letters shown) for every cell in an event

MARK_WIDTH = 40
PLACEHOLDER = "@" * MARK_WIDTH


@dataclass
class Event:
    id: str | None
    event: str
    data: str


@dataclass
class SseParser:
    """Feed it the body of an event stream in pieces of any size; it returns whole events.

    Lines may end in CRLF or LF. Comments (``: ...``) are counted, not returned."""

    comments: int = 0
    _pending: bytes = b""
    _id: str | None = None
    _event: str = ""
    _data: list[str] = field(default_factory=list)
    _fields: bool = False

    def feed(self, chunk: bytes) -> list[Event]:
        out: list[Event] = []
        *lines, self._pending = (self._pending + chunk).split(b"\n")
        for raw in lines:
            line = raw.removesuffix(b"\r").decode()
            if line == "":
                if self._fields:
                    out.append(Event(self._id, self._event or "message", "\n".join(self._data)))
                self._id, self._event, self._data, self._fields = None, "", [], False
                continue
            if line.startswith(":"):
                self.comments += 1
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            self._fields = True
            if name == "id":
                self._id = value
            elif name == "event":
                self._event = value
            elif name == "data":
                self._data.append(value)
        return out


def shape(wire: bytes) -> tuple[int, int]:
    """(bytes, lines) of an encoded event's ``data:`` lines, line ends included."""
    lines = [ln for ln in wire.split(b"\n") if ln.startswith(b"data:")]
    return sum(len(ln) + 1 for ln in lines), len(lines)


_BUTTON = re.compile(r"<button\b([^>]*)>(.*?)</button>", re.S)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_TAG = re.compile(r"<[^>]*>")
_MARK = re.compile(r"<m ([^=>]+)=([^>]*)>")


@lru_cache(maxsize=512)
def lockstep_cells(data: str) -> Found:
    """Every matrix cell in an event's HTML with the letters it shows. A cell whose
    ``data-letters`` and visible role letters disagree gets both, so it matches nothing."""
    out = []
    for m in _BUTTON.finditer(data):
        attrs = dict(_ATTR.findall(m.group(1)))
        cid = attrs.get("id", "")
        if not cid.startswith("c-"):
            continue
        said = attrs.get("data-letters")
        shown = _TAG.sub("", m.group(2)).strip()
        out.append((cid, shown if said == shown else f"{said}|{shown}"))
    return tuple(out)


def mark(cell: str, letters: str) -> str:
    """The floor's marker for an edit: exactly MARK_WIDTH characters."""
    text = f"<m {cell}={letters}>"
    if len(text) > MARK_WIDTH:
        raise ValueError(f"marker too long: {text}")
    return text.ljust(MARK_WIDTH, ".")


@lru_cache(maxsize=512)
def floor_marks(data: str) -> Found:
    return tuple((c, letters) for c, letters in _MARK.findall(data))


def floor_template(data: str) -> str:
    """A captured Lockstep event's data with a slice of its longest line replaced by the
    placeholder: same size, same lines; the floor puts its marker there."""
    lines = data.split("\n")
    i = max(range(len(lines)), key=lambda k: len(lines[k]))
    if len(lines[i]) < MARK_WIDTH:
        raise ValueError("the captured event has no line long enough for the marker")
    lines[i] = PLACEHOLDER + lines[i][MARK_WIDTH:]
    return "\n".join(lines)


def cell_id(activity: int, phase: int, function: int) -> str:
    return f"c-{activity}-{phase}-{function}"


@dataclass(frozen=True)
class Sent:
    key: str  # the stream's path (which board)
    seq: int
    at: float  # perf_counter when the edit was sent
    cell: str
    letters: str


@dataclass
class Tally:
    delays_ms: list[float]  # of the correct deliveries
    correct: int
    wrong: int
    missing: int
    expected: int


def tally(
    sent: Iterable[Sent],
    arrivals: Mapping[tuple[str, int], list[tuple[float, Found]]],
    screens_per_key: Mapping[str, int],
) -> Tally:
    """Check every delivery of every timed edit: the event with the edit's sequence as its
    id must show the edited cell with the letters sent (each screen records an id once).
    Deliveries beyond the number of screens are ignored; a screen that never got it is
    missing."""
    t = Tally([], 0, 0, 0, 0)
    for s in sent:
        screens = screens_per_key.get(s.key, 0)
        t.expected += screens
        got = arrivals.get((s.key, s.seq), [])[:screens]
        for at, found in got:
            if (s.cell, s.letters) in found:
                t.correct += 1
                t.delays_ms.append((at - s.at) * 1000)
            else:
                t.wrong += 1
        t.missing += screens - len(got)
    return t
