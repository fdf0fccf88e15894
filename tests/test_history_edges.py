"""Comparing versions where it gets awkward: renamed activities, board order, the first
version, deleted boards, hostile text and bad ids — and the PDF export under load."""

from __future__ import annotations

from tests.helpers import auth, make_board, set_cell, text_of
from tests.test_history import board_of, viewer_of


def publish(client, board, label):
    r = client.post(
        f"/api/boards/{board.id}/versions", headers=auth(board.facilitator), json={"label": label}
    )
    assert r.status_code == 201, r.text
    return r.json()


def next_review(client, board):
    r = client.post(f"/api/boards/{board.id}/versions/1/next", headers=auth(board.facilitator))
    assert r.status_code == 201, r.text
    nxt = board_of(client, r.json())
    for to in ("propose", "reveal"):
        client.post(f"/api/boards/{nxt.id}/round", headers=auth(nxt.facilitator), json={"to": to})
    return nxt


def test_a_renamed_activity_is_the_same_activity(client):
    first = make_board(client, activities=[{"name": "Zeta pricing"}, {"name": "Alpha launch"}])
    tok = first.facilitator
    for activity in ("Zeta pricing", "Alpha launch"):
        assert set_cell(client, first, tok, activity, "Launch", "PMM", "O").status_code == 200
    publish(client, first, "Q3")
    nxt = next_review(client, first)
    zeta = nxt.activity("Zeta pricing")
    r = client.patch(
        f"/api/boards/{nxt.id}/activities/{zeta}",
        headers=auth(nxt.facilitator),
        json={"name": "Zeta pricing & packaging"},
    )
    assert r.status_code == 200, r.text
    nxt = board_of(
        client, {"id": nxt.id, "facilitator_token": nxt.facilitator, "join_token": nxt.join}
    )
    for activity in ("Zeta pricing & packaging", "Alpha launch"):
        r = set_cell(client, nxt, nxt.facilitator, activity, "Launch", "PM", "O")
        assert r.status_code == 200, r.text
        r = set_cell(client, nxt, nxt.facilitator, activity, "Launch", "PMM", "D")
        assert r.status_code == 200, r.text
    # The live board already reads the rename as a rename.
    live = client.get(f"/boards/{nxt.id}/live", headers=auth(nxt.facilitator)).text
    assert "removed" not in text_of(live.split('id="since"')[1].split("</section>")[0])
    v2 = publish(client, nxt, "Q4")
    page = text_of(client.get(f"/v/{viewer_of(v2)}/compare").text)
    assert "2 changes (2 of owner or driver), 1 activity renamed" in page
    assert "Zeta pricing & packaging : renamed from Zeta pricing" in page
    assert "activity removed" not in page and "activity added" not in page
    # In board order, not alphabetical.
    zeta_at = page.index("Zeta pricing & packaging · Launch: Owner PMM → PM")
    assert zeta_at < page.index("Alpha launch · Launch: Owner PMM → PM")
    doc = client.get(f"/api/view/{viewer_of(v2)}/1/export.json").json()
    assert doc["changes"]["activities_renamed"] == [
        {"from": "Zeta pricing", "to": "Zeta pricing & packaging"}
    ]
    md = client.get(f"/api/view/{viewer_of(v2)}/1/export.md").text
    assert "- **Zeta pricing &amp; packaging**: renamed from Zeta pricing" in md
    # Its history finds it in last quarter's version under its old name.
    drawer = text_of(
        client.get(
            f"/boards/{nxt.id}/activities/{zeta}/history", headers=auth(nxt.facilitator)
        ).text
    )
    assert "Q3" in drawer and "as “Zeta pricing”" in drawer and "Owner PMM" in drawer


def test_comparing_from_the_first_version_compares_with_the_next(client):
    first = make_board(client, activities=[{"name": "Pricing"}])
    assert (
        set_cell(client, first, first.facilitator, "Pricing", "Launch", "PM", "O").status_code
        == 200
    )
    v1 = publish(client, first, "Q3")
    assert (
        set_cell(client, first, first.facilitator, "Pricing", "Launch", "PMM", "O").status_code
        == 200
    )
    publish(client, first, "Q4")
    viewer = viewer_of(v1)
    first_id = client.get(f"/api/view/{viewer}/history").json()[0]["id"]
    page = text_of(client.get(f"/v/{viewer}/compare?to={first_id}").text)
    assert "Changes from Q3 to Q4" in page
    assert "Pricing · Launch: Owner PM → PM, PMM" in page


def test_bad_version_ids_and_hostile_names(client):
    board = make_board(client, activities=[{"name": "<img src=x onerror=alert(1)>"}])
    v = publish(client, board, "<b>Q3</b>")
    viewer = viewer_of(v)
    for bad in ("%C2%B2", "%D9%A3", "1e3", " 1"):  # superscript two, Arabic-Indic three ...
        assert client.get(f"/v/{viewer}/compare?from={bad}").status_code == 404
        assert client.get(f"/api/view/{viewer}/compare.json?to={bad}").status_code == 404
    md = client.get(f"/api/view/{viewer}/1/export.md").text
    assert "<img" not in md and "&lt;img src=x onerror=alert\\(1\\)&gt;" in md
    assert "<b>" not in md
    for path in (f"/v/{viewer}/history", f"/v/{viewer}/1", f"/v/{viewer}/1/print"):
        page = client.get(path).text
        assert "<img src=x" not in page and "<b>Q3" not in page, path


def test_a_deleted_board_takes_its_versions_out_of_every_lineage(client):
    a = make_board(client, title="Team A", activities=[{"name": "Pricing"}])
    publish(client, a, "A-Q3")
    review = next_review(client, a)
    r = client.delete(f"/api/boards/{a.id}", headers=auth(a.facilitator))
    assert r.status_code == 204, r.text
    # Someone else's board publishes next; it must not become the review's parent.
    c = make_board(client, title="Team C secret", activities=[{"name": "Secret"}])
    vc = publish(client, c, "C-Q4")
    page = client.get(f"/f/{review.facilitator}").text
    assert viewer_of(vc) not in page and "Team C" not in page and "Secret" not in page
    live = client.get(f"/api/boards/{review.id}/export.json", headers=auth(review.facilitator))
    assert "changes" not in live.json()
    rv = publish(client, review, "B-Q4")
    history = client.get(f"/api/view/{viewer_of(vc)}/history").json()
    assert [h["label"] for h in history] == ["C-Q4"]
    assert [h["label"] for h in client.get(f"/api/view/{viewer_of(rv)}/history").json()] == ["B-Q4"]


def test_pdf_requests_beyond_two_at_once_are_turned_away(client):
    from backend.exports import pdf

    board = make_board(client, activities=[{"name": "Pricing"}])
    v = publish(client, board, "Q3")
    assert pdf._running.acquire(blocking=False) and pdf._running.acquire(blocking=False)
    try:
        r = client.get(f"/api/view/{viewer_of(v)}/1/export.pdf")
        if pdf.chromium() is None:
            assert r.status_code == 503
        else:
            assert r.status_code == 429 and "try again" in r.json()["detail"]
    finally:
        pdf._running.release()
        pdf._running.release()


def test_a_version_exports_long_csv_that_imports_as_the_same_matrix(client):
    import csv
    import io

    board = make_board(client, activities=[{"name": "Pricing"}, {"name": "=SUM(A1)"}])
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Launch", "PMM", "OD").status_code
        == 200
    )
    v = publish(client, board, "Q3")
    body = client.get(f"/api/view/{viewer_of(v)}/1/export.csv")
    assert body.status_code == 200 and body.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.text.lstrip("\ufeff"))))
    assert {
        "activity": "Pricing",
        "phase": "Launch",
        "function": "PMM",
        "letters": "OD",
    }.items() <= next(r for r in rows if r["letters"]).items()
    assert any(r["activity"] == "'=SUM(A1)" for r in rows)  # never a formula
    r = client.post("/api/import", files={"file": ("q3.csv", body.content)})
    assert r.status_code == 201, r.text
    made = r.json()
    again = client.get(
        f"/api/boards/{made['id']}/export.json", headers=auth(made["facilitator_token"])
    ).json()
    original = client.get(f"/api/view/{viewer_of(v)}/1/export.json").json()
    assert [(a["name"], a["cells"]) for a in again["activities"]] == [
        (a["name"], a["cells"]) for a in original["activities"]
    ]


def test_the_changes_sheet_never_holds_a_formula(client):
    import io

    import openpyxl

    first = make_board(client, activities=[{"name": '=HYPERLINK("x")'}, {"name": "@cmd"}])
    tok = first.facilitator
    assert set_cell(client, first, tok, '=HYPERLINK("x")', "Launch", "PM", "O").status_code == 200
    publish(client, first, "+Q3")
    assert set_cell(client, first, tok, '=HYPERLINK("x")', "Launch", "PM", "D").status_code == 200
    assert set_cell(client, first, tok, "@cmd", "Build", "PMM", "C").status_code == 200
    v = publish(client, first, "-Q4")
    wb = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/api/view/{viewer_of(v)}/2/export.xlsx").content)
    )
    sheet = wb["Changes"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("HYPERLINK" in str(x) for x in values) and any("cmd" in str(x) for x in values)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type == "s" or cell.value is None
            assert not str(cell.value or "").startswith(("=", "+", "-", "@")), cell.value


def test_the_board_lists_the_reviews_started_from_it(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    publish(client, board, "Q3")
    page = client.get(f"/f/{board.facilitator}").text
    assert "Reviews started from here" not in page and 'hx-confirm="A review was' not in page
    review = next_review(client, board)
    page = client.get(f"/f/{board.facilitator}").text
    assert "Reviews started from here" in page and f'href="/f/{review.facilitator}"' in page
    assert 'hx-confirm="A review was already started from this board' in page
    # Participants of the old board are not handed the review's facilitator link.
    from tests.helpers import join

    ana = join(client, board, "Ana", "PM")
    assert review.facilitator not in client.get(f"/boards/{board.id}/live", headers=auth(ana)).text


def test_an_old_viewer_link_points_to_the_newer_version(client):
    first = make_board(client, activities=[{"name": "Pricing"}])
    v1 = publish(client, first, "Q3")
    review = next_review(client, first)
    page = client.get(f"/v/{viewer_of(v1)}/1").text
    assert "A newer version exists" not in page
    publish(client, review, "Q4")
    page = text_of(client.get(f"/v/{viewer_of(v1)}/1").text)
    assert "A newer version exists: Q4" in page and "by the next review" in page
    q4_id = client.get(f"/api/view/{viewer_of(v1)}/history").json()[-1]["id"]
    history = client.get(f"/v/{viewer_of(v1)}/history").text
    assert f'href="/v/{viewer_of(v1)}/compare?to={q4_id}">Q4</a>' in history


def test_a_review_shows_where_the_room_proposes_to_change_last_quarter(client):
    from tests.helpers import join

    first = make_board(client, activities=[{"name": "Pricing"}, {"name": "Positioning"}])
    tok = first.facilitator
    assert set_cell(client, first, tok, "Pricing", "Launch", "PMM", "O").status_code == 200
    assert set_cell(client, first, tok, "Pricing", "Launch", "PM", "D").status_code == 200
    publish(client, first, "Q3")
    r = client.post(f"/api/boards/{first.id}/versions/1/next", headers=auth(tok))
    review = board_of(client, r.json())
    rtok = review.facilitator
    ana = join(client, review, "Ana", "PM")  # her proposals start as last quarter's
    client.post(f"/api/boards/{review.id}/round", headers=auth(rtok), json={"to": "propose"})
    for function, letters in (("PM", "O"), ("PMM", "D")):
        r = client.put(
            f"/api/boards/{review.id}/proposals",
            headers=auth(ana),
            json={
                "activity_id": review.activity("Pricing"),
                "phase_id": review.phase("Launch"),
                "function_id": review.function(function),
                "letters": letters,
            },
        )
        assert r.status_code == 200, r.text
    # While proposing: the facilitator sees how many cells each person changed, never
    # which; Ana sees her own changes marked with what they were.
    page = client.get(f"/boards/{review.id}/live", headers=auth(rtok)).text
    assert "2 changed" in page and "was D" not in page
    mine = client.get(f"/boards/{review.id}/live", headers=auth(ana)).text
    assert mine.count('class="was">was ') == 2 and "was D" in mine and "was O" in mine
    client.post(f"/api/boards/{review.id}/round", headers=auth(rtok), json={"to": "reveal"})
    page = client.get(f"/boards/{review.id}/live", headers=auth(rtok)).text
    assert page.count("proposed-change") == 2 and "→ O" in page and "→ D" in page
    assert "2 changes proposed" in page
    r = client.post(
        f"/api/boards/{review.id}/accept", headers=auth(rtok), json={"use": "unanimous"}
    )
    assert r.status_code == 200, r.text
    page = client.get(f"/boards/{review.id}/live", headers=auth(rtok)).text
    assert "proposed-change" not in page and "changes proposed" not in page
    drawer = text_of(
        client.get(
            f"/boards/{review.id}/activities/{review.activity('Pricing')}/history",
            headers=auth(rtok),
        ).text
    )
    assert "agreed from the unanimous proposals: Launch (PM: Owner; PMM: Driver)" in drawer


def test_last_quarters_rationale_is_flagged_when_the_owner_changed(client):
    first = make_board(client, activities=[{"name": "Pricing"}, {"name": "Positioning"}])
    tok = first.facilitator
    for activity in ("Pricing", "Positioning"):
        assert set_cell(client, first, tok, activity, "Launch", "PM", "O").status_code == 200
        r = client.put(
            f"/api/boards/{first.id}/rationale",
            headers=auth(tok),
            json={"activity_id": first.activity(activity), "text": "PM owns it"},
        )
        assert r.status_code == 200, r.text
    publish(client, first, "Q3")
    review = next_review(client, first)
    rtok = review.facilitator
    for activity in ("Pricing", "Positioning"):
        assert set_cell(client, review, rtok, activity, "Launch", "PM", "").status_code == 200
        assert set_cell(client, review, rtok, activity, "Launch", "PMM", "O").status_code == 200
    # Positioning's rationale is rewritten; Pricing's is left as it was.
    r = client.put(
        f"/api/boards/{review.id}/rationale",
        headers=auth(rtok),
        json={"activity_id": review.activity("Positioning"), "text": "PMM owns the story now"},
    )
    assert r.status_code == 200, r.text
    v = publish(client, review, "Q4")
    items = client.get(f"/api/view/{viewer_of(v)}/1").json()["open_items"]
    stale = [i for i in items if "rationale carried over" in i["reason"]]
    assert [(i["activity"], i["reason"]) for i in stale] == [
        ("Pricing", "rationale carried over from Q3 although its owner or driver changed")
    ]


def test_a_rename_before_someone_joins_keeps_their_starting_proposals(client):
    from tests.helpers import join

    first = make_board(client, activities=[{"name": "Pricing"}])
    assert (
        set_cell(client, first, first.facilitator, "Pricing", "Launch", "PM", "O").status_code
        == 200
    )
    publish(client, first, "Q3")
    r = client.post(f"/api/boards/{first.id}/versions/1/next", headers=auth(first.facilitator))
    review = board_of(client, r.json())
    r = client.patch(
        f"/api/boards/{review.id}/activities/{review.activity('Pricing')}",
        headers=auth(review.facilitator),
        json={"name": "Pricing & packaging"},
    )
    assert r.status_code == 200, r.text
    alice = join(client, review, "Alice", "PM")
    client.post(
        f"/api/boards/{review.id}/round", headers=auth(review.facilitator), json={"to": "propose"}
    )
    mine = client.get(f"/api/boards/{review.id}/workshop", headers=auth(alice)).json()["proposals"]
    assert [p["letters"] for p in mine] == ["O"]
    page = client.get(f"/f/{review.facilitator}").text
    assert "0 changed" in page


def test_a_new_board_never_shows_a_deleted_boards_cached_page(client):
    a = make_board(client, title="Alpha", activities=[{"name": "Alpha secret pricing"}])
    assert "Alpha secret pricing" in client.get(f"/f/{a.facilitator}").text
    assert client.delete(f"/api/boards/{a.id}", headers=auth(a.facilitator)).status_code == 204
    b = make_board(client, title="Beta", activities=[{"name": "Beta pricing"}])
    page = client.get(f"/f/{b.facilitator}").text
    assert "Beta pricing" in page and "Alpha secret pricing" not in page and a.join not in page


def test_pages_that_show_other_boards_are_read_fresh(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    publish(client, board, "Q3")
    review = next_review(client, board)
    assert "Test board</a>" in client.get(f"/f/{board.facilitator}").text
    r = client.patch(
        f"/api/boards/{review.id}", headers=auth(review.facilitator), json={"title": "Renamed"}
    )
    assert r.status_code == 200, r.text
    assert "Renamed</a>" in client.get(f"/f/{board.facilitator}").text
    client.get(f"/f/{review.facilitator}")
    assert (
        client.delete(f"/api/boards/{board.id}", headers=auth(board.facilitator)).status_code == 204
    )
    assert "Review of Q3" not in client.get(f"/f/{review.facilitator}").text
