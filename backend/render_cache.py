"""A small per-process cache of rendered matrices.

A board's matrix HTML depends only on the board's state, the viewer's role and, in a
workshop, on whose proposals a participant sees. Keyed by the change sequence, it is
rendered once and served to every screen at that sequence (a refresh after a structure
change makes every screen ask at once). The state read after the sequence is at least as
new as it, so an entry is never older than its key; screens apply later events on top.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

MAX_ENTRIES = 32

_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0, "rows_reused": 0}
T = TypeVar("T", str, bytes)


def cached(key: Hashable, render: Callable[[], T]) -> T:
    """HTML (text, or encoded for a page's spliced parts) rendered once per key."""
    with _lock:
        html = _entries.get(key)
        if html is not None:
            _entries.move_to_end(key)
            stats["hits"] += 1
            return html  # type: ignore[no-any-return]
    html = render()
    with _lock:
        stats["misses"] += 1
        _entries[key] = html
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return html


SCREENS_MAX = 8  # a big board's screen holds ~10^4 small objects: keep few

_screens: OrderedDict[Hashable, object] = OrderedDict()
_newest: OrderedDict[Hashable, object] = OrderedDict()  # family -> its newest screen


def cached_screen(
    key: Hashable, load: Callable[[object | None], object], *, family: Hashable = None
) -> object:
    """A board's loaded screen (matrix, rule checks, workshop state) per board state and
    kind of viewer, for pages read at a known sequence. Read-only once made. ``load`` is
    given the newest screen of the same ``family`` (the same board and viewer at an
    earlier sequence), if one is kept, to move forward instead of reading everything."""
    with _lock:
        screen = _screens.get(key)
        if screen is not None:
            _screens.move_to_end(key)
            return screen
        before = _newest.get(family) if family is not None else None
    screen = load(before)
    with _lock:
        _screens[key] = screen
        if family is not None:
            _newest[family] = screen
            _newest.move_to_end(family)
            while len(_newest) > SCREENS_MAX:
                _newest.popitem(last=False)
        while len(_screens) > SCREENS_MAX:
            _screens.popitem(last=False)
    return screen


ROWS_MAX = 5000  # rendered matrix rows (a few kilobytes each)
_rows: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()


def cached_row(key: Hashable, seq: int, changed: int, render: Callable[[], bytes]) -> bytes:
    """One rendered matrix row, encoded, reused while nothing in it changed: ``key`` names
    the row in one generation of a board's screens, ``changed`` is the sequence of the row's
    last edit (-1: none), ``seq`` the sequence being rendered."""
    with _lock:
        hit = _rows.get(key)
        if hit is not None and hit[0] >= changed:
            _rows.move_to_end(key)
            stats["rows_reused"] += 1
            return hit[1]
    html = render()
    with _lock:
        _rows[key] = (seq, html)
        while len(_rows) > ROWS_MAX:
            _rows.popitem(last=False)
    return html


def clear() -> None:
    with _lock:
        _entries.clear()
        _screens.clear()
        _newest.clear()
        _rows.clear()
