"""Keep typed text from running as a spreadsheet formula when an export is opened."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
