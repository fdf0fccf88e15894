"""The projector on a 1920×1080 wall: for the seeded board (20 activities, 4 phases, 3
functions) each round shows its one picture, nothing scrolls, no text is under 20 px, and
nothing private shows before the reveal. A screenshot per round goes to
tests/browser/screenshots/ for a person to look at."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from tests.helpers import auth, join, make_board, set_cell
from tests.workshop_helpers import move

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
WALL = {"width": 1920, "height": 1080}
FUNCTIONS = ["PM", "PMM", "Sales"]
PEOPLE = [
    ("Priya", "PM"),
    ("Marco", "PMM"),
    ("Sam <Sales>", "Sales"),
    ("Lena", "PM"),
    ("Omar", "PMM"),
]

# Every text node in the live part: its parent's computed font size, and the smallest one.
MEASURE = """(main) => {
  const de = document.documentElement;
  const walker = document.createTreeWalker(document.getElementById('live'), NodeFilter.SHOW_TEXT);
  let min = 1000, where = '';
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el.getClientRects().length) continue;  // not displayed
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < min) { min = size; where = el.className + ': ' + n.textContent.trim().slice(0, 40); }
  }
  // Boxes that clip what does not fit: their content must fit too.
  const boxes = '.pj-side, .pj-grid-wrap, .pj-spot-main, .pj-progress, .pj-act, .pj-leads, .pj-title, .pj-hot-name';
  const clipped = [...document.querySelectorAll('#live :is(' + boxes + ')')]
    .filter((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.id || el.className} ${el.scrollWidth}/${el.clientWidth}: ${el.textContent.trim().slice(0, 40)}`);
  return {scrollHeight: de.scrollHeight, scrollWidth: de.scrollWidth,
          innerHeight: window.innerHeight, innerWidth: window.innerWidth,
          minFont: min, minFontAt: where, clipped: clipped,
          mainFont: Math.min(...[...document.querySelectorAll(main)].map((el) => parseFloat(getComputedStyle(el).fontSize)))};
}"""


def check_wall(page, name: str, main: str) -> dict:
    """The picture fits the wall and reads from the back; a screenshot for a person.
    ``main``: the picture's main text (its smallest font size is reported as mainFont)."""
    page.wait_for_timeout(300)  # fonts and the countdown settle
    assert page.locator(main).count() > 0, main
    m = page.evaluate(MEASURE, main)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"wall-{name}-1920.png"))
    print(f"projector {name}: {m}")
    assert m["scrollHeight"] <= m["innerHeight"], (name, m)
    assert m["scrollWidth"] <= m["innerWidth"], (name, m)
    assert m["minFont"] >= 20, (name, m)
    assert m["mainFont"] >= 20, (name, m)
    assert not m["clipped"], (name, m)
    return m


def lead(i: int, j: int) -> tuple[str, str]:
    """A plausible owner and driver for activity i in phase j."""
    owner = FUNCTIONS[(i + j) % 3] if i % 5 else "PM"
    driver = FUNCTIONS[(i + 2 * j + 1) % 3]
    return owner, driver


def fill_shared_matrix(http, board) -> None:
    acts = [a["name"] for a in board.data["activities"]]
    phases = [p["name"] for p in board.data["phases"]]
    for i, a in enumerate(acts):
        for j, p in enumerate(phases):
            if i % 7 == 6 and j == 3:
                continue  # left empty
            owner, driver = lead(i, j)
            row = {f: "" for f in FUNCTIONS}
            row[owner] += "O"
            row[driver] += "D"
            if i == 4 and j == 2:
                row["Sales"] = "O"  # two owners: a rule break
            for f, letters in row.items():
                if not letters and (i + j) % 2:
                    letters = "C"
                if letters:
                    r = set_cell(http, board, board.facilitator, a, p, f, letters)
                    assert r.status_code == 200, r.text


def propose_all(http, board, token, k: int, upto: int) -> int:
    """Person k proposes owner and driver for the first ``upto`` activities, differing
    from the others on some of them. Returns the number of activity·phase pairs filled."""
    acts = [a["name"] for a in board.data["activities"]][:upto]
    phases = [p["name"] for p in board.data["phases"]]
    filled = 0
    for i, a in enumerate(acts):
        for j, p in enumerate(phases):
            owner, driver = lead(i, j)
            if (i * 4 + j) % (k + 3) == 0:  # this person sees it differently
                owner = FUNCTIONS[(FUNCTIONS.index(owner) + 1) % 3]
            row = {owner: "O"}
            row[driver] = row.get(driver, "") + "D"
            for f in FUNCTIONS:
                if f not in row and (i + j) % 3:
                    row[f] = "C" if i % 2 else "I"
            for f, letters in row.items():
                letters = "".join(x for x in "ODCI" if x in letters)
                r = http.put(
                    f"/api/boards/{board.id}/proposals",
                    headers=auth(token),
                    json={
                        "activity_id": board.activity(a),
                        "phase_id": board.phase(p),
                        "function_id": board.function(f),
                        "letters": letters,
                    },
                )
                assert r.status_code == 200, r.text
            filled += 1
    return filled


SVG = "{http://www.w3.org/2000/svg}"


def lane_counts(http, board) -> dict[tuple[str, str, str], int]:
    """(function, phase, "pic-owner" / "pic-driver") -> activities owned / driven there."""
    data = http.get(f"/api/boards/{board.id}", headers=auth(board.facilitator)).json()
    phases = {p["id"]: p["name"] for p in data["phases"]}
    functions = {f["id"]: f["name"] for f in data["functions"]}
    counts = {
        (f, p, kind): 0 for f in functions.values() for p in phases.values()
        for kind in ("pic-owner", "pic-driver")
    }  # fmt: skip
    for c in data["cells"]:
        for letter, kind in (("O", "pic-owner"), ("D", "pic-driver")):
            if letter in c["letters"]:
                counts[(functions[c["function_id"]], phases[c["phase_id"]], kind)] += 1
    return counts


def open_wall(browser, server, board):
    ctx = browser.new_context(viewport=WALL)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.url}/boards/{board.id}/projector?token={board.join}")
    page.wait_for_selector("#conn[data-state=live]", timeout=10_000)
    return ctx, page, errors


def seeded_board(http, title: str):
    return make_board(http, title=title, functions=FUNCTIONS)  # the seeded catalogue


def test_free_mode_wall_shows_the_whole_matrix_and_who_is_here(browser, server):
    with httpx.Client(base_url=server.url, timeout=30) as http:
        board = seeded_board(http, "Roles & responsibilities — free")
        assert len(board.data["activities"]) >= 20
        for name, f in PEOPLE:
            join(http, board, name, f)
        fill_shared_matrix(http, board)
    ctx, page, errors = open_wall(browser, server, board)
    try:
        assert page.locator("#pj-picture.pj-pic-matrix").count() == 1
        assert page.locator("#pj-grid tbody tr").count() == len(board.data["activities"])
        # Owner and driver as letter + function, and each pair's rule status.
        a, p = board.activity("Positioning"), board.phase("Discover")
        chips = page.inner_text(f"#pj-cell-{a}-{p}")
        assert re.search(r"O\s*\w+", chips) and re.search(r"D\s*\w+", chips), chips
        assert page.locator(".pj-cell .pj-st-error").count() >= 1  # the two owners
        assert page.locator(".pj-cell .pj-st-open").count() >= 1  # the empty ones
        # Who is here: every name, as text, and the count; presence hooks kept.
        people = page.inner_text("#pj-people")
        assert all(name in people for name, _ in PEOPLE)
        assert page.locator("#pj-people [data-participant]").count() == len(PEOPLE)
        assert "5 joined" in page.inner_text("#pj-here")
        check_wall(page, "free", "#pj-grid .pj-act, #pj-grid .pj-chip")

        # The set-up round of a workshop shows the same picture.
        with httpx.Client(base_url=server.url, timeout=10) as http:
            r = http.put(
                f"/api/boards/{board.id}/mode",
                headers=auth(board.facilitator),
                json={"mode": "workshop"},
            )
            assert r.status_code == 200, r.text
        page.wait_for_selector("#pj-kicker:has-text('Set up')", timeout=5000)
        assert page.locator("#pj-grid tbody tr").count() == len(board.data["activities"])
        check_wall(page, "setup", "#pj-grid .pj-act, #pj-grid .pj-chip")
        assert not errors, errors
    finally:
        ctx.close()


def test_workshop_walls_from_silent_proposals_to_published(browser, server):
    with httpx.Client(base_url=server.url, timeout=30) as http:
        board = seeded_board(http, "Q3 roles workshop")
        fac = auth(board.facilitator)
        tokens = [join(http, board, name, f) for name, f in PEOPLE]
        r = http.put(f"/api/boards/{board.id}/mode", headers=fac, json={"mode": "workshop"})
        assert r.status_code == 200, r.text
        assert move(http, board, "propose").status_code == 200
        assert (
            http.put(f"/api/boards/{board.id}/timebox", headers=fac, json={"minutes": 10})
        ).status_code == 200
        n_acts = len(board.data["activities"])
        filled = [
            propose_all(http, board, tokens[0], 0, n_acts),
            propose_all(http, board, tokens[1], 1, n_acts),
            propose_all(http, board, tokens[2], 2, 12),
            propose_all(http, board, tokens[3], 3, 5),
        ]
        for t in tokens[:2]:
            r = http.put(f"/api/boards/{board.id}/ready", headers=auth(t), json={"ready": True})
            assert r.status_code == 200, r.text

    ctx, page, errors = open_wall(browser, server, board)
    try:
        # Silent proposals: a bar and "N of M" per person, who is ready, the countdown.
        assert page.locator("#pj-picture.pj-pic-propose").count() == 1
        assert page.locator("#pj-progress progress.pj-bar").count() == len(PEOPLE)
        total = n_acts * 4
        priya = page.inner_text("#pj-progress li:has-text('Priya')")
        assert f"{filled[0]} of {total}" in priya and "Ready" in priya
        assert "Filling" in page.inner_text("#pj-progress li:has-text('Lena')")
        assert page.locator("#pj-progress [data-participant]").count() == len(PEOPLE)
        assert re.fullmatch(r"(9|10):[0-5]\d", page.inner_text("#spotlight .timebox-left"))
        # Nothing private: no role letters anywhere on the wall before the reveal.
        live = page.inner_html("#live")
        assert "pj-l-" not in live and "pj-chip" not in live and "data-letters" not in live
        assert "Sam &lt;Sales&gt;" in live  # names are text
        check_wall(page, "propose", "#pj-progress .pj-name, #pj-progress .pj-count")
        # Live: someone marks themselves ready and the wall follows without a reload.
        page.evaluate("window.__stillHere = true")
        with httpx.Client(base_url=server.url, timeout=10) as http:
            http.put(f"/api/boards/{board.id}/ready", headers=auth(tokens[3]), json={"ready": True})
        page.wait_for_selector("#pj-title:has-text('3 of 5 ready')", timeout=5000)
        assert page.evaluate("window.__stillHere") is True

        # Reveal: the heat map with the hot list beside it.
        with httpx.Client(base_url=server.url, timeout=10) as http:
            http.put(f"/api/boards/{board.id}/timebox", headers=fac, json={"minutes": None})
            assert move(http, board, "reveal").status_code == 200
        page.wait_for_selector("#pj-picture.pj-pic-heat", timeout=5000)
        assert page.locator("#pj-heat tbody tr").count() == n_acts
        assert page.locator("#pj-heat td.pj-h-split").count() >= 5
        assert page.locator("#pj-heat td.pj-h-same").count() >= 5
        assert re.search(r"≠ \d+%", page.inner_text("#pj-heat"))
        assert page.locator("#pj-hot li").count() >= 5
        check_wall(page, "reveal", "#pj-heat .pj-act, #pj-heat td, #pj-hot li")

        # Spotlight with a timebox and comments arriving.
        # The hottest activity that four people proposed on (the first five).
        first = {str(a["id"]) for a in board.data["activities"][:5]}
        hot = [
            i.removeprefix("pj-hot-")
            for i in page.eval_on_selector_all("#pj-hot li", "els => els.map((e) => e.id)")
        ]
        hottest = next(h for h in hot if h in first)
        with httpx.Client(base_url=server.url, timeout=10) as http:
            r = http.put(
                f"/api/boards/{board.id}/spotlight",
                headers=fac,
                json={"activity_id": int(hottest), "minutes": 5},
            )
            assert r.status_code == 200, r.text
            for t, text in [
                (tokens[0], "PM owns the call in Discover; PMM drives the research."),
                (tokens[1], "Sales should not own anything before Launch <honestly>."),
                (board.facilitator, "Let's settle Discover first, then Launch."),
                (tokens[2], "Fine by me if we are consulted in Build."),
            ]:
                r = http.post(
                    f"/api/boards/{board.id}/comments",
                    headers=auth(t),
                    json={"activity_id": int(hottest), "text": text},
                )
                assert r.status_code == 201, r.text
        page.wait_for_selector("#pj-picture.pj-pic-spotlight", timeout=5000)
        page.wait_for_selector("#pj-comments li:has-text('consulted in Build')", timeout=5000)
        assert page.locator("#pj-spread tbody tr").count() == 4
        assert page.locator("#pj-spread .pj-vote").count() >= 12
        assert "Priya" in page.inner_text("#pj-spread")
        assert re.search(r"×\d", page.inner_text("#pj-spread"))
        assert "<honestly>" in page.inner_text("#pj-comments")  # text, not markup
        # In the order they were made, as on every screen: the newest at the foot.
        assert "consulted in Build" in page.inner_text("#pj-comments li >> nth=-1")
        left = page.inner_text("#spotlight .timebox-left")
        assert re.fullmatch(r"[45]:[0-5]\d", left), left
        check_wall(page, "spotlight", "#pj-spread .pj-vote, #pj-comments li")

        # Agree: unanimous pairs accepted, a few by majority; the count and what fails.
        with httpx.Client(base_url=server.url, timeout=10) as http:
            http.put(f"/api/boards/{board.id}/spotlight", headers=fac, json={"activity_id": None})
            r = http.post(f"/api/boards/{board.id}/accept", headers=fac, json={"use": "unanimous"})
            assert r.status_code == 200, r.text
            for a in board.data["activities"][:3]:
                r = http.post(
                    f"/api/boards/{board.id}/accept",
                    headers=fac,
                    json={"activity_id": a["id"], "use": "majority"},
                )
                assert r.status_code == 200, r.text
            assert move(http, board, "agreed").status_code == 200
            # The facilitator sets a few agreed values that break the rules.
            acts = [a["name"] for a in board.data["activities"]]
            for a, p, f, letters in [
                (acts[0], "Discover", "Sales", "O"),
                (acts[1], "Build", "PMM", "O"),
                (acts[5], "Launch", "PM", "C"),
                (acts[8], "Grow", "Sales", "OD"),
            ]:
                r = set_cell(http, board, board.facilitator, a, p, f, letters)
                assert r.status_code == 200, r.text
            agreed = http.get(f"/api/boards/{board.id}/workshop", headers=fac).json()
        page.wait_for_selector("#pj-picture.pj-pic-agree", timeout=5000)
        count = page.inner_text("#pj-agreed-count")
        assert re.fullmatch(rf"\d+ of {n_acts * 4}", count.strip()), count
        assert int(count.split()[0]) > 0
        assert page.locator("#pj-agreed-bar").count() == 1
        assert page.locator("#pj-grid tbody tr").count() == n_acts
        assert page.locator("#pj-grid .pj-open-pair").count() > 0
        assert page.locator("#pj-findings li").count() >= 2
        assert (
            "Two" in page.inner_text("#pj-findings")
            or "owner" in page.inner_text("#pj-findings").lower()
        )
        check_wall(page, "agreed", "#pj-grid .pj-act, #pj-grid .pj-chip, #pj-findings li")
        assert agreed  # the workshop answered

        # Published: the grid and the version label.
        with httpx.Client(base_url=server.url, timeout=10) as http:
            r = http.post(
                f"/api/boards/{board.id}/versions",
                headers=fac,
                json={"label": "2026-Q3", "published_by": "Dana"},
            )
            assert r.status_code == 201, r.text
            agreed_load = lane_counts(http, board)
        page.wait_for_selector("#pj-picture.pj-pic-published", timeout=5000)
        assert "2026-Q3" in page.inner_text("#pj-version")
        assert page.locator("#pj-grid tbody tr").count() == n_acts
        assert page.locator("#pj-grid .pj-chip").count() > 0
        # The swimlane under the grid: a bar per function, phase and role, counting what the
        # agreed matrix holds.
        lane = ET.fromstring(page.inner_html("#pj-swimlane .picture").split("<div", 1)[0])
        bars = {
            (r.get("data-function"), r.get("data-phase"), r.get("class")): int(r.get("data-value"))
            for r in lane.iter(f"{SVG}rect")
            if r.get("data-value") is not None
        }
        assert bars == agreed_load and sum(bars.values()) > 0
        check_wall(page, "published", "#pj-grid .pj-act, #pj-grid .pj-chip")
        assert page.evaluate("window.__stillHere") is True  # followed every round live
        assert not errors, errors
    finally:
        ctx.close()
