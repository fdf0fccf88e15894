"""Limits and text checks shared by every form and API call."""

from __future__ import annotations

import re

from backend.errors import Invalid

MAX_TITLE = 120
MAX_PHASE_NAME = 60
MAX_FUNCTION_NAME = 40
MAX_ACTIVITY_NAME = 80
MAX_DESCRIPTION = 500
MAX_SOURCE_NAME = 200  # one source article's file name
MAX_SOURCES_TEXT = 1000  # an activity's source names, one a line
MAX_RATIONALE = 2000
MAX_PARTICIPANT_NAME = 60
MAX_PHASES = 12
MAX_FUNCTIONS = 12
MAX_ACTIVITIES = 300
MAX_PARTICIPANTS = 200


# Bidirectional overrides and zero-width characters: they can disguise a name.
_INVISIBLE = dict.fromkeys(
    map(
        ord, "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    ),
    None,
)
MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def clean_text(
    value: str | None, *, what: str, max_len: int, required: bool = True, multiline: bool = False
) -> str:
    """Trim (and, unless ``multiline``, fold white space), then check length and characters."""
    text = (value or "").translate(_INVISIBLE)
    text = text.strip() if multiline else " ".join(text.split())
    if required and not text:
        raise Invalid(f"{what} cannot be empty")
    if len(text) > max_len:
        raise Invalid(f"{what} is too long ({len(text)} characters; at most {max_len})")
    if has_surrogates(text):
        raise Invalid(f"{what} contains characters that are not valid text")
    if any(is_control(ch) for ch in text):
        raise Invalid(f"{what} contains control characters")
    return text


def is_control(ch: str) -> bool:
    """C0 controls but tab and newline, DEL, and the C1 controls (U+0080–U+009F)."""
    return (ch < " " and ch not in "\n\t") or "\x7f" <= ch <= "\x9f"


def has_surrogates(text: str) -> bool:
    """Lone UTF-16 surrogates (JSON's ``"\\ud800"``) are not text: no database stores them."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def printable(text: str) -> str:
    """``text`` with any lone surrogate written as an escape, so it can be sent as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def excerpt(value: object, limit: int = 40) -> str:
    """A short, sendable excerpt of some input, for error messages that point at it."""
    text = printable(value if isinstance(value, str) else repr(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_token(value: str | None) -> bool:
    """Tokens are URL-safe base64; anything else cannot be one (and is never looked up)."""
    return bool(value) and TOKEN_RE.fullmatch(value) is not None


def clean_list(values: list[str], *, what: str, max_len: int, max_items: int) -> list[str]:
    items = [clean_text(v, what=what, max_len=max_len) for v in values if v and v.strip()]
    if not items:
        raise Invalid(f"A board needs at least one {what.lower()}")
    if len(items) > max_items:
        raise Invalid(f"At most {max_items} {what.lower()}s per board")
    seen: set[str] = set()
    for item in items:
        if item.casefold() in seen:
            raise Invalid(f"{what} {item!r} is listed twice")
        seen.add(item.casefold())
    return items
