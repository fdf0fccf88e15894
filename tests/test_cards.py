"""A function's card ("what I own this quarter"): from a published version through the viewer
link and live from a board, as a page, JSON, Markdown and a one-page PDF."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from pypdf import PdfReader

from backend.exports.pdf import chromium
from tests.helpers import auth, join, make_board, set_cell, text_of

NS = "{http://www.w3.org/2000/svg}"


def words(html: str) -> str:
    """Text as read: tags dropped without a space (inline markup joins its words)."""
    return " ".join(text_of(re.sub(r"<[^>]+>", "", html.replace("<li", " <li"))).split())


def quarters(client):
    """Two published quarters. In 2026-Q4 PMM takes ownership of Pricing in Launch (it only
    drove it in Q3) and leads Messaging in Launch; Pricing is parked with the PMM lead,
    Messaging with the CFO and Roadmap (PM's alone) with the CPO."""
    board = make_board(
        client,
        title="Q4 roles",
        functions=["PM", "PMM", "Sales"],
        activities=[{"name": "Pricing"}, {"name": "Positioning"}, {"name": "Messaging"}],
    )
    tok = board.facilitator
    for activity, phase, f, letters in [
        ("Pricing", "Build", "PM", "OD"),
        ("Pricing", "Launch", "PM", "O"),
        ("Pricing", "Launch", "PMM", "D"),
        ("Positioning", "Launch", "PMM", "OD"),
        ("Positioning", "Launch", "PM", "C"),
        ("Messaging", "Grow", "PMM", "I"),
    ]:
        assert set_cell(client, board, tok, activity, phase, f, letters).status_code == 200
    r = client.post(
        f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "2026-Q3"}
    )
    assert r.status_code == 201, r.text
    viewer = r.json()["viewer_url"].split("/v/")[1].split("/")[0]
    for activity, phase, f, letters in [
        ("Pricing", "Launch", "PMM", "OD"),
        ("Pricing", "Launch", "PM", "C"),
        ("Messaging", "Launch", "PMM", "OD"),
    ]:
        assert set_cell(client, board, tok, activity, phase, f, letters).status_code == 200
    r = client.post(
        f"/api/boards/{board.id}/activities", headers=auth(tok), json={"name": "Roadmap"}
    )
    assert r.status_code == 201, r.text
    roadmap = r.json()["id"]
    build, pm = board.phase("Build"), board.function("PM")
    client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(tok),
        json={"activity_id": roadmap, "phase_id": build, "function_id": pm, "letters": "OD"},
    ).raise_for_status()
    client.put(
        f"/api/boards/{board.id}/rationale",
        headers=auth(tok),
        json={"activity_id": board.activity("Positioning"), "text": "PMM is closest to the buyer"},
    ).raise_for_status()
    for activity_id, decider in [
        (board.activity("Pricing"), "PMM lead"),
        (board.activity("Messaging"), "CFO"),
        (roadmap, "CPO"),
    ]:
        client.put(
            f"/api/boards/{board.id}/park",
            headers=auth(tok),
            json={"activity_id": activity_id, "decider": decider},
        ).raise_for_status()
    r = client.post(
        f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "2026-Q4"}
    )
    assert r.status_code == 201, r.text
    return board, viewer


def test_version_page_links_a_card_per_function(client):
    _board, viewer = quarters(client)
    html = client.get(f"/v/{viewer}").text
    links = re.findall(r'<a [^>]*href="(/v/[^"]+/card\?function=[^"]+)"[^>]*>([^<]+)</a>', html)
    assert [text for _href, text in links] == [
        "See what PM owns",
        "See what PMM owns",
        "See what Sales owns",
    ]
    assert links[1][0] == f"/v/{viewer}/2/card?function=PMM"
    older = client.get(f"/v/{viewer}/1").text
    assert f"/v/{viewer}/1/card?function=PMM" in older


def test_card_page_lists_what_the_function_holds(client):
    _board, viewer = quarters(client)
    r = client.get(f"/v/{viewer}/2/card?function=pmm")  # any case
    assert r.status_code == 200
    html = r.text
    assert "style=" not in html.split("<main", 1)[-1]
    text = text_of(html)
    assert "What PMM owns" in text
    phases = dict(
        re.findall(r'<section class="card-phase" aria-label="([^"]+)">(.*?)</section>', html, re.S)
    )
    leads = {p: re.findall(r'<li data-activity="([^"]+)">', body) for p, body in phases.items()}
    assert leads == {
        "Discover": [],
        "Build": [],
        "Launch": ["Pricing", "Positioning", "Messaging"],
        "Grow": [],
    }
    assert "I Informed: Messaging" in words(phases["Grow"])
    # The counts: Owner in 3 pairs, Driver in 3, Consulted in 0, Informed in 1.
    counts = re.findall(r"in <strong>(\d+)</strong>", html)
    assert counts == ["3", "3", "0", "1"]
    # Rationale of what PMM owns.
    assert "Positioning" in text and "PMM is closest to the buyer" in text
    # Open items: Pricing (PMM lead decides) and Messaging (PMM holds a role); not Roadmap.
    items = words(html.split('id="card-open"', 1)[1].split("</section>", 1)[0])
    assert "Pricing: parked — PMM lead decides (PMM decides; PMM holds a role here)" in items
    assert "Messaging: parked — CFO decides (PMM holds a role here)" in items
    assert "Roadmap" not in items and "(2)" in items
    # What changed for PMM since 2026-Q3.
    changes = words(html.split('id="card-changes"', 1)[1].split("</section>", 1)[0])
    assert "since 2026-Q3" in changes
    assert "Pricing · Launch: Driver → Owner + Driver" in changes
    assert "Messaging · Launch: no role → Owner + Driver" in changes
    assert "Roadmap" not in changes  # new, but PMM holds no role in it
    # The handoff strip of each activity PMM owns or drives.
    strips = [
        ET.fromstring(m)
        for m in re.findall(r'<svg [^>]*class="pic pic-strip".*?</svg>', html, re.S)
    ]
    assert len(strips) == 3
    pricing = strips[0]
    assert "Handoff strip of Pricing" in pricing.find(f"{NS}title").text
    held = {
        (r.get("data-phase"), r.get("data-role")): r.get("data-who")
        for r in pricing.iter(f"{NS}rect")
    }
    assert held[("Build", "owner")] == "PM" and held[("Launch", "owner")] == "PMM"
    # Links: the other functions' cards, print, Markdown, JSON, the version, the invite.
    assert f'href="/v/{viewer}/2/card?function=PM"' in html
    assert f'href="/v/{viewer}/2/card/print?function=PMM"' in html
    assert f'href="/api/view/{viewer}/2/card.md?function=PMM"' in html
    assert f'href="/api/view/{viewer}/2/review.ics"' in html


def test_first_version_has_nothing_to_compare(client):
    _board, viewer = quarters(client)
    data = client.get(f"/api/view/{viewer}/1/card", params={"function": "PMM"}).json()
    assert data["changes"] is None and data["open_items"] == []
    assert "no earlier version" in client.get(f"/v/{viewer}/1/card?function=PMM").text


def test_card_json(client):
    _board, viewer = quarters(client)
    r = client.get(f"/api/view/{viewer}/2/card", params={"function": "PM"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert (data["function"], data["source"], data["version_number"]) == (
        "PM",
        "2026-Q4 (version 2)",
        2,
    )
    build = next(p for p in data["phases"] if p["phase"] == "Build")
    assert build["owner"] == ["Pricing", "Roadmap"] and build["driver"] == ["Pricing", "Roadmap"]
    launch = next(p for p in data["phases"] if p["phase"] == "Launch")
    assert launch["owner"] == [] and launch["consulted"] == ["Pricing", "Positioning"]
    assert data["counts"] == {"O": 2, "D": 2, "C": 2, "I": 0}
    assert [i["activity"] for i in data["open_items"]] == ["Pricing", "Roadmap"]
    roadmap = data["open_items"][1]
    assert roadmap["decider"] == "CPO" and roadmap["holds_role"] and not roadmap["names_function"]
    ch = data["changes"]
    assert ch["since"] == "2026-Q3" and ch["activities_added"] == ["Roadmap"]
    assert [(c["activity"], c["phase"], c["before"], c["after"], c["owner_or_driver"])
            for c in ch["cells"]] == [("Pricing", "Launch", ["Owner"], ["Consulted"], True)]  # fmt: skip
    assert data["markdown_url"].endswith(f"/api/view/{viewer}/2/card.md?function=PM")
    # Sales holds nothing: an empty card, not an error.
    sales = client.get(f"/api/view/{viewer}/2/card", params={"function": "Sales"}).json()
    assert sales["activities"] == [] and sales["counts"] == {"O": 0, "D": 0, "C": 0, "I": 0}


def test_bad_card_requests_say_what_is_wrong(client):
    board, viewer = quarters(client)
    r = client.get(f"/api/view/{viewer}/2/card", params={"function": "Finance"})
    assert r.status_code == 404 and "PM, PMM, Sales" in r.json()["detail"]
    assert client.get(f"/api/view/{viewer}/2/card").status_code == 422
    assert client.get(f"/api/view/{viewer}/9/card", params={"function": "PM"}).status_code == 404
    assert client.get(f"/api/view/{'x' * 32}/2/card", params={"function": "PM"}).status_code == 404
    assert client.get(f"/v/{viewer}/2/card?function=Finance").status_code == 404
    assert client.get(f"/v/{viewer}/2/card").status_code == 422
    # The live card needs a board token; the viewer link is not one.
    assert client.get(f"/api/boards/{board.id}/card").status_code == 401
    r = client.get(f"/api/boards/{board.id}/card", headers=auth(viewer))
    assert r.status_code == 403
    other = make_board(client, title="Other")
    r = client.get(f"/api/boards/{board.id}/card", headers=auth(other.facilitator))
    assert r.status_code == 403


def test_card_markdown(client):
    _board, viewer = quarters(client)
    r = client.get(f"/api/view/{viewer}/2/card.md", params={"function": "PMM"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/markdown")
    assert (
        "attachment" in r.headers["content-disposition"]
        and "pmm-card.md" in r.headers["content-disposition"]
    )
    md = r.text
    assert md.startswith("# What PMM owns\n")
    sections = dict(re.findall(r"^### (\w+)\n\n(.*?)(?=\n\n|\Z)", md, re.S | re.M))
    assert sections["Launch"] == (
        "- **Owner**: Pricing, Positioning, Messaging\n- **Driver**: Pricing, Positioning, Messaging"
    )
    assert sections["Discover"] == "- **Owner**: —\n- **Driver**: —"
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert table[0] == "| Activity | Discover | Build | Launch | Grow |"
    assert "| Messaging |   |   | OD | I |" in table
    assert "- **Positioning**: PMM is closest to the buyer" in md
    assert "- **Pricing**: parked — PMM lead decides (PMM decides; PMM holds a role here)" in md
    assert "- **Pricing** · Launch (Owner or Driver changed): Driver → Owner + Driver" in md
    assert "Roadmap" not in md


def test_card_markdown_keeps_typed_text_inert(client):
    board = make_board(client, functions=["PM", "PMM"], activities=[{"name": "Pricing"}])
    tok = board.facilitator
    set_cell(client, board, tok, "Pricing", "Launch", "PMM", "O").raise_for_status()
    client.put(
        f"/api/boards/{board.id}/rationale",
        headers=auth(tok),
        json={"activity_id": board.activity("Pricing"), "text": "[x](javascript:alert(1)) <b>"},
    ).raise_for_status()
    md = client.get(f"/api/boards/{board.id}/card.md?function=PMM", headers=auth(tok)).text
    assert "\\[x\\]\\(javascript:alert\\(1\\)\\) &lt;b&gt;" in md
    html = client.get(f"/boards/{board.id}/card?function=PMM&token={tok}").text
    assert "<b>" not in html.split("<main", 1)[1] and "&lt;b&gt;" in html


def test_live_card_for_a_participant_is_their_own(client):
    board = make_board(client, functions=["PM", "PMM"], activities=[{"name": "Pricing"}])
    tok = board.facilitator
    set_cell(client, board, tok, "Pricing", "Launch", "PMM", "OD").raise_for_status()
    ana = join(client, board, "Ana", "PMM")
    join(client, board, "Ben", "PM")
    client.put(
        f"/api/boards/{board.id}/park",
        headers=auth(tok),
        json={"activity_id": board.activity("Pricing"), "decider": "Ben"},
    ).raise_for_status()
    data = client.get(f"/api/boards/{board.id}/card", headers=auth(ana)).json()
    assert (data["function"], data["person"], data["people"]) == ("PMM", "Ana", ["Ana"])
    assert data["source"] == "live board" and data["version_number"] is None
    launch = next(p for p in data["phases"] if p["phase"] == "Launch")
    assert launch["owner"] == ["Pricing"]
    # The parked item names Ben (PM) and sits where PMM holds a role: on both cards.
    assert [(i["names_function"], i["holds_role"]) for i in data["open_items"]] == [(False, True)]
    pm = client.get(f"/api/boards/{board.id}/card?function=PM", headers=auth(ana)).json()
    assert pm["person"] is None and [(i["names_function"], i["holds_role"])
                                     for i in pm["open_items"]] == [(True, False)]  # fmt: skip
    # The facilitator gets the first function's card unless asking for another.
    assert client.get(f"/api/boards/{board.id}/card", headers=auth(tok)).json()["function"] == "PM"
    page = client.get(f"/boards/{board.id}/card?token={ana}")
    assert page.status_code == 200
    assert "What PMM owns" in text_of(page.text) and "Ana's card" in text_of(page.text)
    assert f'href="/j/{board.join}"' in page.text  # back to the board


def test_live_card_changes_since_the_last_version(client):
    board = make_board(client, functions=["PM", "PMM"], activities=[{"name": "Pricing"}])
    tok = board.facilitator
    set_cell(client, board, tok, "Pricing", "Launch", "PM", "OD").raise_for_status()
    client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "Q3"})
    set_cell(client, board, tok, "Pricing", "Launch", "PM", "C").raise_for_status()
    set_cell(client, board, tok, "Pricing", "Launch", "PMM", "OD").raise_for_status()
    data = client.get(f"/api/boards/{board.id}/card?function=PMM", headers=auth(tok)).json()
    assert data["changes"]["since"] == "Q3"
    assert [c["text"] for c in data["changes"]["cells"]] == [
        "Pricing · Launch: no role → Owner + Driver"
    ]


def test_board_tools_link_each_function_card(client):
    board = make_board(client, functions=["PM", "PMM"], activities=[{"name": "Pricing"}])
    html = client.get(f"/f/{board.facilitator}").text
    cards = re.findall(r'href="(/boards/\d+/card\?[^"]+)"[^>]*>([^<]+)<', html)
    assert [t for _h, t in cards] == ["What PM owns", "What PMM owns"]
    assert cards[1][0] == f"/boards/{board.id}/card?token={board.facilitator}&amp;function=PMM"
    ana = join(client, board, "Ana", "PMM")
    client.cookies.clear()
    mine = client.get(f"/boards/{board.id}/live", headers=auth(ana)).text
    cards = re.findall(r'href="(/boards/\d+/card\?[^"]+)"[^>]*>([^<]+)<', mine)
    assert cards == [(f"/boards/{board.id}/card?token={ana}", "What I own (PMM)")]


def test_print_page_is_one_portrait_page_of_the_card(client):
    _board, viewer = quarters(client)
    html = client.get(f"/v/{viewer}/2/card/print?function=PMM").text
    assert "card-print" in html and "What PMM owns" in html
    assert html.count('class="pic pic-strip"') == 3
    assert "<script" not in html.split("</head>", 1)[1]


def test_openapi_describes_the_card_routes(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/view/{viewer_token}/{number}/card",
        "/api/boards/{board_id}/card",
    ):
        op = paths[path]["get"]
        assert "CardOut" in str(op["responses"]["200"]) and "404" in op["responses"]
    md = paths["/api/view/{viewer_token}/{number}/card.md"]["get"]
    assert "text/markdown" in md["responses"]["200"]["content"]
    pdf = paths["/api/boards/{board_id}/card.pdf"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"] and "503" in pdf["responses"]
    assert "/v/{token}/{number}/card" not in paths  # pages stay out of the API


@pytest.mark.skipif(chromium() is None, reason="no Chromium on this machine for the PDF export")
def test_card_pdf_is_one_page_with_what_the_function_owns(client):
    _board, viewer = quarters(client)
    r = client.get(f"/api/view/{viewer}/2/card.pdf", params={"function": "PMM"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    reader = PdfReader(BytesIO(r.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "What PMM owns" in text
    for activity in ("Pricing", "Positioning", "Messaging"):
        assert activity in text
    assert "Roadmap" not in text
    assert "PMM is closest to the buyer" in text


def test_function_names_with_url_characters(client):
    board = make_board(client, functions=["PM", "Sales/CS & Co"], activities=[{"name": "Pricing"}])
    tok = board.facilitator
    set_cell(client, board, tok, "Pricing", "Launch", "Sales/CS & Co", "OD").raise_for_status()
    r = client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "Q4"})
    viewer = r.json()["viewer_url"].split("/v/")[1].split("/")[0]
    html = client.get(f"/v/{viewer}").text
    (href,) = re.findall(r'href="(/v/[^"]+/card\?function=Sales[^"]+)"', html)
    assert href == f"/v/{viewer}/1/card?function=Sales/CS%20%26%20Co"
    page = client.get(href)
    assert page.status_code == 200 and "What Sales/CS & Co owns" in text_of(page.text)
    assert 'data-activity="Pricing"' in page.text
    live = client.get(f"/f/{tok}").text
    assert f"/boards/{board.id}/card?token={tok}&amp;function=Sales/CS%20%26%20Co" in live


@pytest.mark.skipif(chromium() is None, reason="no Chromium on this machine for the PDF export")
def test_a_full_card_still_prints_on_one_page(client):
    """The seeded catalogue with PMM owning and driving almost everything, a long rationale
    on every activity, a dozen parked items and many changes: still one page, A4 and Letter,
    with what did not fit counted."""
    board = make_board(client, title="Everything PMM", functions=["PM", "PMM", "Sales"])
    tok = board.facilitator
    acts = board.data["activities"]
    pm, pmm = board.function("PM"), board.function("PMM")

    def fill(letters_of):
        for n, a in enumerate(acts):
            for i, p in enumerate(board.data["phases"]):
                for f, letters in ((pmm, letters_of(n, i)), (pm, "C")):
                    client.put(
                        f"/api/boards/{board.id}/cells",
                        headers=auth(tok),
                        json={"activity_id": a["id"], "phase_id": p["id"], "function_id": f,
                              "letters": letters},
                    ).raise_for_status()  # fmt: skip

    fill(lambda n, i: "OD")
    for a in acts:
        client.put(
            f"/api/boards/{board.id}/rationale",
            headers=auth(tok),
            json={"activity_id": a["id"], "text": "We hear the buyer first and know the segment. " * 8},
        ).raise_for_status()  # fmt: skip
    for a in acts[:12]:
        client.put(
            f"/api/boards/{board.id}/park",
            headers=auth(tok),
            json={"activity_id": a["id"], "decider": "PMM lead"},
        ).raise_for_status()
    r = client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "Q3"})
    viewer = r.json()["viewer_url"].split("/v/")[1].split("/")[0]
    fill(lambda n, i: "OD" if (n + i) % 3 else "I")
    client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "Q4"})
    for paper in ("a4", "letter"):
        r = client.get(f"/api/view/{viewer}/2/card.pdf?function=PMM&paper={paper}")
        assert r.status_code == 200, r.text
        reader = PdfReader(BytesIO(r.content))
        assert len(reader.pages) == 1, paper
        text = " ".join(reader.pages[0].extract_text().split())
        assert "What PMM owns" in text and acts[0]["name"] in text
        assert "more (see the card online)" in text
