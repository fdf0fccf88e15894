"""Pure arithmetic of the benchmark: percentiles, the CPU fit, ratios against targets."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def pct(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile by nearest rank on the sorted values (NaN when empty)."""
    if not values:
        return math.nan
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def latency_summary(values: Sequence[float]) -> dict[str, float | None]:
    """p50 / p95 / p99 / max in ms, rounded to 0.01 ms (None when nothing was measured)."""

    def r(v: float) -> float | None:
        return None if math.isnan(v) else round(v, 2)

    return {
        "p50_ms": r(pct(values, 50)),
        "p95_ms": r(pct(values, 95)),
        "p99_ms": r(pct(values, 99)),
        "max_ms": r(max(values)) if values else None,
    }


@dataclass(frozen=True)
class CpuFit:
    fixed_ms: float  # server CPU per edit with no screen open
    per_screen_us: float  # added per open screen


def fit_cpu(points: Sequence[tuple[int, float]]) -> CpuFit:
    """Least-squares line through (screens, CPU ms per edit): fixed + per_screen × screens.

    Needs at least two distinct screen counts."""
    xs = [float(s) for s, _ in points]
    ys = [c for _, c in points]
    if len(set(xs)) < 2:
        raise ValueError("the fit needs at least two different screen counts")
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return CpuFit(fixed_ms=my - slope * mx, per_screen_us=slope * 1000)


def ratio(a: float | None, b: float | None) -> float | None:
    """a ÷ b, or None when either is missing or b is not positive."""
    if a is None or b is None or b <= 0 or math.isnan(a) or math.isnan(b):
        return None
    return a / b


def verdict(value: float | None, limit: float, *, at_least: bool = False) -> str:
    """ "met" / "missed" for a ratio against its target (≤ limit, or ≥ with ``at_least``)."""
    if value is None:
        return "n/a"
    ok = value >= limit if at_least else value <= limit
    return "met" if ok else "missed"
