"""Keep typed text from running as a spreadsheet formula when an export is opened."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_guard(value: str) -> str:
    """``neutralise``, made reversible for CSV (which is imported again): text that already
    starts with a quote gets one more, so ``unguard`` knows which quotes it added."""
    if value.startswith(("'", *FORMULA_STARTS)):
        return "'" + value
    return value


def unguard(value: str) -> str:
    """Undo ``csv_guard``: ``'=4+4`` → ``=4+4``, ``''=4+4`` → ``'=4+4``."""
    if value.startswith("'") and value[1:].startswith(("'", *FORMULA_STARTS)):
        return value[1:]
    return value
