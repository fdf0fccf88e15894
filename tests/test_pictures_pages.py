"""The pictures of a published version: on its page, on its print page and in the API."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.helpers import auth, make_board, set_cell

NS = "{http://www.w3.org/2000/svg}"


def published(client):
    """PM owns and drives Pricing in Build; PMM takes it over in Launch."""
    board = make_board(client, activities=[{"name": "Pricing"}, {"name": "Positioning"}])
    tok = board.facilitator
    for phase, f, letters in [
        ("Build", "PM", "OD"),
        ("Launch", "PMM", "OD"),
        ("Launch", "PM", "C"),
    ]:
        assert set_cell(client, board, tok, "Pricing", phase, f, letters).status_code == 200
    v = client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "Q4"})
    return v.json()["viewer_url"].split("/v/")[1].split("/")[0]


def svgs(html: str) -> list[ET.Element]:
    out, at = [], 0
    while (start := html.find("<svg", at)) != -1:
        end = html.index("</svg>", start) + len("</svg>")
        out.append(ET.fromstring(html[start:end]))
        at = end
    return out


def test_version_page_shows_swimlane_load_chart_and_strips(client):
    viewer = published(client)
    html = client.get(f"/v/{viewer}").text
    pics = svgs(html)
    kinds = [p.get("class") for p in pics]
    assert kinds[:2] == ["pic pic-swimlane", "pic pic-load"]  # near the top
    assert kinds.count("pic pic-strip") == 2
    assert html.index("pic-swimlane") < html.index("Agreed matrix")
    for p in pics:
        assert p.get("role") == "img" and p.find(f"{NS}title").text
    assert "style=" not in html.split("<main", 1)[-1]
    load = pics[1]
    bars = {
        (r.get("data-function"), r.get("data-phase"), r.get("data-role")): int(r.get("data-value"))
        for r in load.iter(f"{NS}rect")
        if "pic-bar" in (r.get("class") or "")
    }
    assert bars[("PM", "Build", "owner")] == 1 and bars[("PMM", "Launch", "driver")] == 1
    assert bars[("PMM", "Build", "owner")] == 0
    pricing = pics[2]
    markers = {(m.get("data-phase"), m.get("data-role")) for m in pricing.iter(f"{NS}path")}
    assert markers == {("Launch", "owner"), ("Launch", "driver")}
    assert "Owner passes from PM to PMM in Launch" in html  # the text alternative


def test_print_page_carries_the_pictures(client):
    viewer = published(client)
    html = client.get(f"/v/{viewer}/1/print").text
    assert "pic-swimlane" in html and "pic-load" in html and html.count("pic-strip") >= 2


def test_pictures_api(client):
    viewer = published(client)
    r = client.get(f"/api/view/{viewer}/1/pictures")
    assert r.status_code == 200
    data = r.json()
    pricing = data["strips"][0]
    assert pricing["activity"] == "Pricing"
    assert [(h["kind"], h["before"], h["after"], h["phase"]) for h in pricing["handoffs"]] == [
        ("owner", ["PM"], ["PMM"], "Launch"),
        ("driver", ["PM"], ["PMM"], "Launch"),
    ]
    cell = next(c for c in data["load"] if c["function"] == "PMM" and c["phase"] == "Launch")
    assert (cell["owned"], cell["driven"]) == (1, 1)
    assert {"phase": "Discover", "function": "PM", "kind": "idle"}.items() <= next(
        f for f in data["flags"] if f["phase"] == "Discover" and f["function"] == "PM"
    ).items()
    assert client.get(f"/api/view/{viewer}/9/pictures").status_code == 404
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/view/{viewer_token}/{number}/pictures"]["get"]
    assert "404" in op["responses"] and "PicturesOut" in str(op["responses"]["200"])
