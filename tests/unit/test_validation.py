"""Typed text: trimmed, checked for length, and free of control characters."""

from __future__ import annotations

import pytest

from backend.errors import Invalid
from backend.validation import clean_text


@pytest.mark.parametrize("ch", ["\x00", "\x1b", "\x7f", "\x80", "\x85", "\x9b", "\x9f"])
@pytest.mark.parametrize("multiline", [False, True])
def test_c0_del_and_c1_controls_are_refused_or_folded(ch, multiline):
    if not multiline and ch.isspace():  # NEL (U+0085) is a line break: folded to a space
        assert clean_text(f"a{ch}b", what="Name", max_len=60) == "a b"
        return
    with pytest.raises(Invalid, match="control characters"):
        clean_text(f"a{ch}b", what="Name", max_len=60, multiline=multiline)


def test_tab_newline_and_latin1_letters_are_text():
    assert clean_text("a\tb\nc", what="Note", max_len=60, multiline=True) == "a\tb\nc"
    assert clean_text("Ångström é ÿ \xa0x", what="Name", max_len=60) == "Ångström é ÿ x"


def test_lone_surrogates_are_refused():
    with pytest.raises(Invalid, match="not valid text"):
        clean_text("a\ud800", what="Name", max_len=60)
