"""A page's spliced parts (backend.web.Spliced): big pieces go into the page's bytes where
the template put their markers, and nothing a person typed can pass for a marker."""

from __future__ import annotations

from jinja2 import Environment

from backend.web import Spliced

PAGE = Environment(autoescape=True).from_string(
    "<h1>{{ title }}</h1>{{ matrix() }}<p>{{ note }}</p>{{ setup() }}"
)


def test_each_part_goes_where_its_marker_is():
    spliced = Spliced()
    html = PAGE.render(
        title="Q4 · roles",
        matrix=lambda: spliced.part("<table>✓ 1</table>".encode()),
        note="a & b",
        setup=lambda: spliced.part(b"<form></form>"),
    )
    assert spliced.join(html) == (
        "<h1>Q4 · roles</h1><table>✓ 1</table><p>a &amp; b</p><form></form>".encode()
    )


def test_what_people_typed_cannot_pass_for_a_marker():
    spliced = Spliced()
    first = spliced.part(b"<table></table>")
    typed = str(first)  # someone types a marker, even one of this very page
    html = PAGE.render(title=typed, matrix=lambda: first, note="", setup=lambda: "")
    page = spliced.join(html).decode()
    assert page.count("<table></table>") == 1
    assert page.startswith("<h1>&lt;!--part-")  # shown as text, escaped


def test_another_page_s_markers_are_not_this_one_s():
    one, other = Spliced(), Spliced()
    html = PAGE.render(title="", matrix=lambda: other.part(b"<b>x</b>"), note="", setup=lambda: "")
    assert b"<b>x</b>" not in one.join(html)
