"""The benchmark's pure helpers (bench/): the benchmark itself is not part of the suite,
but the arithmetic and parsing its verdicts rest on are."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from backend.boards.cell_html import row_cells
from backend.domain.frameworks import ODCI
from bench import wrk
from bench.procstat import parse_rss_kb, parse_stat
from bench.report import rows
from bench.sse import (
    MARK_WIDTH,
    PLACEHOLDER,
    Sent,
    SseParser,
    floor_marks,
    floor_template,
    lockstep_cells,
    mark,
    shape,
    tally,
)
from bench.stats import fit_cpu, latency_summary, pct, ratio, verdict


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert pct(values, 50) == 50
    assert pct(values, 99) == 99
    assert pct(values, 100) == 100
    assert pct([7.0], 99) == 7.0
    assert pct(list(reversed(values)), 95) == 95
    assert math.isnan(pct([], 50))
    assert latency_summary([]) == {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    assert latency_summary([1.0, 2.0, 3.0, 40.0])["p99_ms"] == 40.0


def test_cpu_fit_recovers_fixed_and_per_screen_cost():
    # 16 ms per edit plus 30 µs per screen, measured at 0, 10 and 200 screens.
    points = [(s, 16 + 0.030 * s) for s in (0, 10, 200)]
    fit = fit_cpu(points)
    assert fit.fixed_ms == pytest.approx(16)
    assert fit.per_screen_us == pytest.approx(30)
    noisy = fit_cpu([(0, 1.0), (0, 1.2), (200, 7.1)])
    assert noisy.fixed_ms == pytest.approx(1.1)
    assert noisy.per_screen_us == pytest.approx(30)
    with pytest.raises(ValueError):
        fit_cpu([(200, 1.0), (200, 2.0)])


def test_ratio_and_verdict():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(1.0, 0.0) is None
    assert verdict(1.3, 1.3) == "met"
    assert verdict(1.31, 1.3) == "missed"
    assert verdict(0.4, 0.5, at_least=True) == "missed"
    assert verdict(0.6, 0.5, at_least=True) == "met"
    assert verdict(None, 2) == "n/a"


def test_sse_parser_splits_events_across_chunks_and_line_ends():
    wire = (
        b": connected\r\n\r\nevent: presence\r\ndata: 3\r\n\r\n"
        b"id: 41\r\nevent: change\r\ndata: <tr>\r\ndata: </tr>\r\n\r\n"
        b"id: 42\nevent: refresh\ndata:\n\n"
    )
    parser = SseParser()
    events = []
    for i in range(0, len(wire), 7):  # chunk boundaries anywhere, even inside \r\n
        events += parser.feed(wire[i : i + 7])
    assert [(e.id, e.event, e.data) for e in events] == [
        (None, "presence", "3"),
        ("41", "change", "<tr>\n</tr>"),
        ("42", "refresh", ""),
    ]
    assert parser.comments == 1


CELL = (
    '<td class="cell" data-p="0"><button class="cellbtn" id="c-5-2-9" data-letters="OD"'
    ' aria-labelledby="a5 ph2 fn2-9 c-5-2-9"><span class="role role-O">O</span>'
    '<span class="role role-D">D</span></button></td>'
    '<td class="cell" data-p="0"><button class="cellbtn" id="c-5-2-10" data-letters=""'
    ' aria-labelledby="a5 ph2 fn2-10 c-5-2-10"></button></td>'
    '<button type="button" class="row-act hist-btn" aria-label="History">↺</button>'
)


def test_lockstep_cells_reads_each_cell_and_its_letters():
    found = lockstep_cells(CELL)
    assert found == (("c-5-2-9", "OD"), ("c-5-2-10", ""))
    # The attribute and the visible letters must agree, or the cell matches nothing.
    lying = CELL.replace('data-letters="OD"', 'data-letters="O"')
    assert ("c-5-2-9", "O") not in lockstep_cells(lying)
    assert ("c-5-2-9", "OD") not in lockstep_cells(lying)


def test_lockstep_cells_reads_the_markup_the_server_writes():
    """If the cell markup changes, the benchmark's content check must change with it."""
    screen = SimpleNamespace(
        v=SimpleNamespace(framework=ODCI, cells={(5, 2, 9): "OD", (5, 2, 10): "C"}),
        w=SimpleNamespace(own={}, groups={}),
        shows_own=lambda a: False,
        is_review=False,
        agreed=lambda a, p: False,
        function_ids=[9, 10, 11],
        changed_since={},
        since=None,
    )
    html = str(row_cells(screen, SimpleNamespace(id=5), SimpleNamespace(id=2)))
    assert lockstep_cells(html) == (("c-5-2-9", "OD"), ("c-5-2-10", "C"), ("c-5-2-11", ""))


def test_floor_template_keeps_size_and_lines_and_carries_the_marker():
    data = "<tr id=row-1>\n" + "x" * 300 + "\n</tr>"
    template = floor_template(data)
    assert len(template) == len(data)
    assert template.count("\n") == data.count("\n")
    filled = template.replace(PLACEHOLDER, mark("c-1-2-3", "OD"), 1)
    assert len(filled) == len(data)
    assert floor_marks(filled) == (("c-1-2-3", "OD"),)
    assert len(mark("c-1-2-3", "")) == MARK_WIDTH
    with pytest.raises(ValueError):
        floor_template("short\nlines")


def test_shape_counts_data_lines_and_bytes():
    wire = b"id: 3\r\nevent: change\r\ndata: ab\r\ndata: c\r\n\r\n"
    assert shape(wire) == (len(b"data: ab\r\n") + len(b"data: c\r\n"), 2)


def test_tally_counts_correct_wrong_and_missing_per_screen():
    sent = [
        Sent("/boards/1/events", 10, 1.000, "c-1-1-1", "O"),
        Sent("/boards/1/events", 11, 2.000, "c-2-1-1", "D"),
    ]
    arrivals = {
        ("/boards/1/events", 10): [
            (1.010, (("c-1-1-1", "O"),)),
            (1.020, (("c-1-1-1", "D"),)),  # wrong letters
            (1.030, (("c-9-1-1", "O"),)),  # another cell
        ],
        ("/boards/1/events", 11): [(2.005, (("c-2-1-1", "D"), ("c-2-2-1", "O")))],
    }
    t = tally(sent, arrivals, {"/boards/1/events": 3})
    assert (t.correct, t.wrong, t.missing, t.expected) == (2, 2, 2, 6)
    assert t.delays_ms == pytest.approx([10.0, 5.0])


def test_proc_stat_and_status_parsing():
    # A command name with a space and a parenthesis in it.
    stat = "4242 (python (x) 3) S 17 4242 4242 0 -1 4194560 9 0 0 0 250 31 0 0 20 0 3 0"
    assert parse_stat(stat) == (17, 281)
    assert parse_rss_kb("Name:\tpython\nVmRSS:\t  81234 kB\nThreads:\t3\n") == 81234


def test_wrk_script_and_output():
    lua = wrk.script(
        method="PUT",
        path="/api/boards/3/cells",
        headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
        bodies=[('{"letters": "O"}', '{"letters": "D"}')],
        threads=1,
    )
    assert "[ [==[Authorization]==] ] = [==[Bearer t]==]" in lua
    assert '{[==[{"letters": "O"}]==], [==[{"letters": "D"}]==]}' in lua
    assert 'wrk.format("PUT", path, headers, body)' in lua
    out = (
        "Running 2s test @ http://127.0.0.1:1\n  Non-2xx or 3xx responses: 3\n"
        "BENCH requests=400 duration_us=2000000 non2xx=3 connect=0 read=1 write=0 "
        "timeout=0 p50_us=12500 p99_us=48000 max_us=90000\n"
    )
    got = wrk.parse(out)
    assert got["per_second"] == 200.0
    assert (got["non2xx"], got["socket_errors"], got["errors"]) == (3, 1, 4)
    assert (got["p50_ms"], got["p99_ms"]) == (12.5, 48.0)
    with pytest.raises(ValueError):
        wrk.parse("Running 2s test\nRequests/sec: 10\n")


def _results(lock_p99_200: float) -> dict:
    series = [
        {"screens": s, "cpu_ms_per_edit": c, "put": {"p50_ms": 1.0, "p99_ms": 2.0}}
        for s, c in ((0, 4.0), (200, 10.0))
    ]
    floor_series = [
        {"screens": s, "cpu_ms_per_edit": c, "put": {"p50_ms": 0.5, "p99_ms": 1.0}}
        for s, c in ((0, 1.0), (200, 7.0))
    ]
    cpu = {"fixed_ms": 4.0, "per_screen_us": 30.0, "series": series}
    floor_cpu = {"fixed_ms": 1.0, "per_screen_us": 30.0, "series": floor_series}
    wrk_run = {"per_second": 100.0, "errors": 0, "p99_ms": 10.0}
    prop = {"p50_ms": 5.0, "p99_ms": 10.0}
    page = {"median_ms": 10.0}
    return {
        "screens": [200, 1000],
        "cpu": {
            "lockstep_sqlite": cpu,
            "floor_sqlite": floor_cpu,
            "lockstep_pg": cpu,
            "floor_pg": floor_cpu,
        },
        "throughput": {
            "floor_get": {**wrk_run, "per_second": 1000.0},
            "lockstep_sqlite": {**wrk_run, "per_second": 60.0},
            "floor_sqlite": wrk_run,
            "lockstep_pg": {**wrk_run, "per_second": 40.0},
            "floor_pg": wrk_run,
        },
        "contention": {
            k: {"contended": {"p99_ms": 40.0}, "alone": {"p99_ms": 10.0}}
            for k in ("lockstep_sqlite", "floor_sqlite", "lockstep_pg", "floor_pg")
        },
        "propagation": {
            "lockstep_sqlite_200": {**prop, "p99_ms": lock_p99_200},
            "floor_sqlite_200": prop,
            "lockstep_sqlite_1000": {**prop, "p99_ms": 16.0},
            "floor_sqlite_1000": prop,
        },
        "memory": {
            "lockstep": {"connections": 1000, "kb_per_connection": 40.0},
            "floor": {"kb_per_connection": 32.0},
        },
        "render": {
            "big_board_size": "200×6×8",
            "bare_jinja_big_table": page,
            "big_board_page": page,
            "big_board_page_after_edit": {"median_ms": 25.0},
            "seeded_board_page_after_edit": page,
            "bare_jinja_seeded_table": page,
        },
        "event": {"lockstep": {"bytes": 10, "lines": 2}, "floor": {"bytes": 10, "lines": 2}},
    }


def test_report_sets_each_figure_against_its_target():
    by_name = {row.measure: row for row in rows(_results(lock_p99_200=13.0))}
    cpu = by_name["server CPU per edit, fixed, SQLite"]
    assert (cpu.ratio, cpu.target, cpu.result) == (4.0, "≤ 2×", "missed")
    edits = by_name["edits/s, one process, SQLite (errors)"]
    assert (edits.ratio, edits.result) == (0.6, "met")
    assert by_name["edits/s, one process, PostgreSQL (errors)"].result == "missed"
    p200 = by_name["propagation p50 / p99, 200 screens of one board, SQLite"]
    assert (p200.ratio, p200.target, p200.result) == (1.3, "≤ 1.3×", "met")
    p1000 = by_name["propagation p50 / p99, 1000 screens of one board, SQLite"]
    assert (p1000.target, p1000.result) == ("≤ 1.5×", "missed")
    writers = by_name["PUT p99, 20 writers on one cell / alone, SQLite (ratio: Lockstep's)"]
    assert (writers.ratio, writers.result) == (4.0, "met")
    memory = by_name["memory per idle live connection (1000, fresh process)"]
    assert (memory.ratio, memory.result) == (1.25, "met")
    page = by_name["200×6×8 board page, first view after an edit (floor: bare Jinja table)"]
    assert (page.ratio, page.result) == (2.5, "missed")
    slower = {row.measure: row for row in rows(_results(lock_p99_200=13.1))}
    assert slower["propagation p50 / p99, 200 screens of one board, SQLite"].result == "missed"
