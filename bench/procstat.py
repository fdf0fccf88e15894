"""A server's memory and CPU from /proc: the process and every process below it (uvicorn
with workers runs them as children)."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def parse_stat(text: str) -> tuple[int, int]:
    """(parent pid, utime + stime in clock ticks) from the text of /proc/<pid>/stat."""
    # The command name is in parentheses and may hold spaces and parentheses itself.
    rest = text[text.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return int(rest[1]), int(rest[11]) + int(rest[12])


def parse_rss_kb(status: str) -> int:
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid, _ = parse_stat((entry / "stat").read_text())
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parents.get(p, [])
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process tree so far (children that exited and were waited
    for are in their parent's cutime, not counted: servers keep their workers)."""
    total = 0
    for p in tree(pid):
        try:
            total += parse_stat(Path(f"/proc/{p}/stat").read_text())[1]
        except OSError:
            continue
    return total / TICKS


def own_cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of just these processes (no children)."""
    total = 0
    for p in pids:
        try:
            total += parse_stat(Path(f"/proc/{p}/stat").read_text())[1]
        except OSError:
            continue
    return total / TICKS


def rss_kb(pid: int) -> int:
    total = 0
    for p in tree(pid):
        try:
            total += parse_rss_kb(Path(f"/proc/{p}/status").read_text())
        except OSError:
            continue
    return total
