"""Markdown exports: typed text renders as text in a wiki, never as a link or an image."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt

from backend.exports import markdown_export
from backend.exports.json_export import to_dict
from tests.unit.test_exports import make_view

TYPED = [
    "[click](javascript:alert(1))",
    "![pixel](https://tracker.example/p.png)",
    "[ref]",
    "<img src=x onerror=alert(1)>",
    "a | b \\| c `code`",
]


def rendered(name: str) -> str:
    view = make_view(activities=(name, "Other"))
    view.activities[0].rationale = name
    text = markdown_export.to_markdown(to_dict(view)) + "\n[ref]: javascript:alert(2)\n"
    return MarkdownIt("commonmark").enable("table").render(text)


@pytest.mark.parametrize("name", TYPED)
def test_typed_text_is_never_a_link_or_an_image(name):
    out = rendered(name)
    assert "<a " not in out and "<img" not in out, out
    # ... and reads as typed: in the table and in the rationale.
    assert html.unescape(out).count(name) >= 2, out
