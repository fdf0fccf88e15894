"""Quarter over quarter: the lineage of versions, comparing any two of them (on screen and
in every export), and the print page with its PDF."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from tests.helpers import Board, auth, make_board, set_cell

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "lockstep-board.schema.json").read_text()
)


@dataclass
class Lineage:
    first: Board
    second: Board
    viewer1: str  # the first board's viewer token
    viewer2: str
    ids: list[int]  # version ids, oldest first


def viewer_of(version: dict) -> str:
    return version["viewer_url"].split("/v/")[1].split("/")[0]


def board_of(client, created: dict) -> Board:
    tok = created["facilitator_token"]
    data = client.get(f"/api/boards/{created['id']}", headers=auth(tok)).json()
    return Board(created["id"], tok, created["join_token"], data)


def two_quarters(client) -> Lineage:
    """Q3 on one board: PMM owns pricing at launch, PM drives. The next review hands the
    ownership to PM, adds an activity, and publishes Q4."""
    first = make_board(client, activities=[{"name": "Pricing"}, {"name": "Positioning"}])
    tok = first.facilitator
    assert set_cell(client, first, tok, "Pricing", "Launch", "PMM", "O").status_code == 200
    assert set_cell(client, first, tok, "Pricing", "Launch", "PM", "D").status_code == 200
    assert set_cell(client, first, tok, "Positioning", "Launch", "PMM", "OD").status_code == 200
    v1 = client.post(
        f"/api/boards/{first.id}/versions",
        headers=auth(tok),
        json={"label": "2026-Q3", "published_by": "Dana, PM lead"},
    ).json()
    created = client.post(f"/api/boards/{first.id}/versions/1/next", headers=auth(tok)).json()
    second = board_of(client, created)
    ntok = second.facilitator
    r = client.post(
        f"/api/boards/{second.id}/activities", headers=auth(ntok), json={"name": "Win/loss"}
    )
    assert r.status_code == 201, r.text
    second = board_of(client, created)
    for to in ("propose", "reveal"):
        r = client.post(f"/api/boards/{second.id}/round", headers=auth(ntok), json={"to": to})
        assert r.status_code == 200, r.text
    for function, letters in (("PMM", "D"), ("PM", "O")):
        r = set_cell(client, second, ntok, "Pricing", "Launch", function, letters)
        assert r.status_code == 200, r.text
    assert set_cell(client, second, ntok, "Win/loss", "Launch", "PMM", "O").status_code == 200
    v2 = client.post(
        f"/api/boards/{second.id}/versions", headers=auth(ntok), json={"label": "2026-Q4"}
    ).json()
    history = client.get(f"/api/view/{viewer_of(v2)}/history").json()
    return Lineage(first, second, viewer_of(v1), viewer_of(v2), [h["id"] for h in history])


def test_history_lists_every_version_of_the_lineage_and_who_published_it(client):
    q = two_quarters(client)
    for viewer in (q.viewer1, q.viewer2):  # either board's viewer link sees the whole lineage
        history = client.get(f"/api/view/{viewer}/history").json()
        assert [(h["label"], h["published_by"]) for h in history] == [
            ("2026-Q3", "Dana, PM lead"),
            ("2026-Q4", "Facilitator"),
        ]
        assert history[1]["previous_id"] == history[0]["id"] and history[0]["previous_id"] is None
    page = client.get(f"/v/{q.viewer2}/history").text
    table = page[page.index("<tbody>") :]
    rows = re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', table)
    assert rows == ["2026-Q4", "2026-Q3"]  # newest first, each a link
    assert "Dana, PM lead" in page
    assert "1 change (1 of owner or driver), 1 activity added" in page
    assert f"/v/{q.viewer2}/compare?from={q.ids[0]}&amp;to={q.ids[1]}" in page
    # The board page links to it, before and after the next review publishes.
    page = client.get(f"/f/{q.second.facilitator}").text
    assert f"/v/{q.viewer2}/history" in page
    again = client.post(
        f"/api/boards/{q.first.id}/versions/1/next", headers=auth(q.first.facilitator)
    ).json()
    assert f"/v/{q.viewer1}/history" in client.get(f"/f/{again['facilitator_token']}").text


def test_the_compare_page_highlights_the_changes_and_says_them_in_words(client):
    q = two_quarters(client)
    page = client.get(f"/v/{q.viewer2}/compare").text  # by default: latest against previous
    assert "Changes from 2026-Q3 to 2026-Q4" in page
    assert "Pricing · Launch: Owner PMM → PM; Driver PM → PMM" in page
    assert "Win/loss · Launch" not in page  # an added activity is said once, as added
    assert "<strong>Win/loss</strong>: activity added" in page and 'tag-new">new' in page
    # Exactly the two changed cells are outlined, each saying what it was.
    assert page.count('class="cell changed') + page.count("phase-start changed") == 2
    assert re.search(r"changed[^>]*>.*?<span class=\"was\" title=\"Was O\">", page)
    # Any two versions, either way round.
    back = client.get(f"/v/{q.viewer1}/compare?from={q.ids[1]}&to={q.ids[0]}").text
    assert "Pricing · Launch: Owner PM → PMM; Driver PMM → PM" in back
    assert "Win/loss" in back and "tag-removed" in back
    same = client.get(f"/v/{q.viewer1}/compare?from={q.ids[0]}&to={q.ids[0]}").text
    assert "Nothing changed." in same


def test_comparing_refuses_versions_from_elsewhere_with_a_message(client):
    q = two_quarters(client)
    other = make_board(client, activities=[{"name": "Pricing"}])
    ov = client.post(
        f"/api/boards/{other.id}/versions", headers=auth(other.facilitator), json={}
    ).json()
    other_id = client.get(f"/api/view/{viewer_of(ov)}/history").json()[0]["id"]
    for query, status in (
        (f"from={other_id}", 404),
        ("from=abc", 404),
        ("to=99999999999", 404),
        ("from=-1", 404),
    ):
        r = client.get(f"/v/{q.viewer2}/compare?{query}")
        assert r.status_code == status, (query, r.status_code)
        assert "version" in r.text
        r = client.get(f"/api/view/{q.viewer2}/compare.json?{query}")
        assert r.status_code == status and "version" in r.json()["detail"]
    assert client.get("/v/not-a-real-token/history").status_code == 404


def test_exports_carry_the_changes_since_the_previous_version(client):
    q = two_quarters(client)
    doc = client.get(f"/api/view/{q.viewer2}/1/export.json").json()
    jsonschema.validate(doc, SCHEMA)
    changes = doc["changes"]
    assert changes["from"]["label"] == "2026-Q3" and changes["to"]["label"] == "2026-Q4"
    assert changes["activities_added"] == ["Win/loss"]
    assert {(c["function"], c["before"], c["after"]) for c in changes["cells"]} == {
        ("PM", "D", "O"),
        ("PMM", "O", "D"),
        ("PMM", "", "O"),
    }
    assert doc["version"]["published_at"][:4].isdigit()
    # The first version has nothing before it; asked against a later one, it has.
    first = client.get(f"/api/view/{q.viewer1}/1/export.json").json()
    assert "changes" not in first
    against = client.get(f"/api/view/{q.viewer1}/1/export.json?against={q.ids[1]}").json()
    assert against["changes"]["activities_removed"] == ["Win/loss"]
    jsonschema.validate(against, SCHEMA)

    md = client.get(f"/api/view/{q.viewer2}/1/export.md").text
    assert "## Changes since 2026-Q3" in md
    assert "- **Pricing** (owner or driver changed): Owner PMM → PM; Driver PM → PMM" in md
    assert "- **Win/loss**: added" in md

    xlsx = client.get(f"/api/view/{q.viewer2}/1/export.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames[:3] == ["Summary", "Overview", "Changes"]
    rows = [[c.value for c in r] for r in wb["Changes"].iter_rows()]
    assert ["Launch", "Pricing", "Owner PMM → PM; Driver PM → PMM", "yes"] in [r[:4] for r in rows]
    assert ["Pricing", "Launch", "PM", "D", "O"] in [r[:5] for r in rows]
    launch = wb["Launch"]
    header = [c.value for c in launch[1]]
    changed_col = header.index("PM") + 1
    pricing_row = next(r for r in launch.iter_rows() if r[0].value == "Pricing")
    assert pricing_row[changed_col - 1].border.left.style == "thick"
    unchanged = next(r for r in launch.iter_rows() if r[0].value == "Positioning")
    assert unchanged[header.index("PMM")].border.left.style != "thick"

    # The live board of the next review compares with the version it started from.
    live = client.get(
        f"/api/boards/{q.second.id}/export.json", headers=auth(q.second.facilitator)
    ).json()
    assert live["changes"]["from"]["label"] == "2026-Q3"
    jsonschema.validate(live, SCHEMA)
    # A comparison of any two, in any format.
    md = client.get(f"/api/view/{q.viewer1}/compare.md?from={q.ids[1]}&to={q.ids[0]}").text
    assert "- **Win/loss**: removed" in md


def test_a_json_export_with_changes_imports_as_the_same_board(client):
    q = two_quarters(client)
    doc = client.get(f"/api/view/{q.viewer2}/1/export.json").json()
    r = client.post(
        "/api/import",
        files={"file": ("q4.json", json.dumps(doc).encode(), "application/json")},
    )
    assert r.status_code == 201, r.text
    created = r.json()
    again = client.get(
        f"/api/boards/{created['id']}/export.json", headers=auth(created["facilitator_token"])
    ).json()
    keys = ("name", "description", "sources", "rationale", "key", "cells")
    assert [{k: a[k] for k in keys} for a in again["activities"]] == [
        {k: a[k] for k in keys} for a in doc["activities"]
    ]


def test_published_by_is_checked_before_anything_is_published(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    tok = board.facilitator
    r = client.post(
        f"/api/boards/{board.id}/versions", headers=auth(tok), json={"published_by": "x" * 61}
    )
    assert r.status_code == 422 and "Published by" in r.json()["detail"]
    assert client.get(f"/api/boards/{board.id}/versions", headers=auth(tok)).json() == []
    r = client.post(
        f"/api/boards/{board.id}/versions", headers=auth(tok), json={"published_by": "  "}
    )
    assert r.status_code == 201 and r.json()["published_by"] == "Facilitator"


def test_the_print_page_puts_each_phase_on_its_own_landscape_page(client):
    q = two_quarters(client)
    page = client.get(f"/v/{q.viewer2}/1/print").text
    phases = q.second.data["phases"]
    assert page.count('<section class="print-phase">') == len(phases)
    assert 'class="print-page paper-a4"' in page and "2026-Q4" in page
    assert "Changes since 2026-Q3" in page
    assert (
        'class="print-page paper-letter"' in client.get(f"/v/{q.viewer2}/1/print?paper=letter").text
    )
    css = client.get("/static/app.css").text
    assert "size: A4 landscape" in css and "size: letter landscape" in css
    assert ".print-phase + .print-phase { break-before: page; }" in css
    assert "print-color-adjust: exact" in css
    live = client.get(f"/boards/{q.second.id}/print?token={q.second.facilitator}")
    assert live.status_code == 200 and "live board" in live.text


def test_pdf_export_has_a_landscape_page_per_phase(client):
    from pypdf import PdfReader

    from backend.exports.pdf import chromium

    if chromium() is None:
        if __import__("os").environ.get("CI"):
            pytest.fail("Chromium is required in CI for the PDF export")
        pytest.skip("no Chromium on this machine: the PDF export needs Debian's chromium")
    q = two_quarters(client)
    r = client.get(f"/api/view/{q.viewer2}/1/export.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(r.content))
    phases = q.second.data["phases"]
    # A page per phase first; then the pictures (who leads when, the load chart), the
    # handoff strips, and the notes and changes.
    texts = [page.extract_text() for page in pdf.pages]
    for i, phase in enumerate(phases):
        assert phase["name"] in texts[i], (i, texts[i][:200])
    rest = "\n".join(texts[len(phases) :]).replace("\ufb00", "ff")  # the "ff" ligature
    for part in ("Who leads when", "load", "Handoffs per activity"):
        assert part in rest, part
    assert len(pdf.pages) <= len(phases) + 5  # nothing runs on for pages
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = pdf.pages[0].extract_text()
    assert phases[0]["name"] in text and "Pricing" in text
    letter = PdfReader(
        io.BytesIO(client.get(f"/api/view/{q.viewer2}/1/export.pdf?paper=letter").content)
    )
    box = letter.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)
