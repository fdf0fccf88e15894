"""The benchmark's table: every Lockstep figure beside the floor's, the ratio, and the
issue's target with met / missed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.stats import ratio, verdict


@dataclass(frozen=True)
class Row:
    measure: str
    lockstep: str
    floor: str
    ratio: float | None
    target: str = ""
    result: str = ""


def _f(v: float | None, unit: str = "", digits: int = 1) -> str:
    return "–" if v is None else f"{v:,.{digits}f}{unit}"


def _target(value: float | None, limit: float, *, at_least: bool = False) -> tuple[str, str]:
    sign = "≥" if at_least else "≤"
    return f"{sign} {limit:g}×", verdict(value, limit, at_least=at_least)


def rows(r: dict[str, Any]) -> list[Row]:
    out: list[Row] = []
    cpu, thr, con = r["cpu"], r["throughput"], r["contention"]
    for db, label in (("sqlite", "SQLite"), ("pg", "PostgreSQL")):
        lk, fl = cpu[f"lockstep_{db}"], cpu[f"floor_{db}"]
        x = ratio(lk["fixed_ms"], fl["fixed_ms"])
        out.append(
            Row(
                f"server CPU per edit, fixed, {label}",
                _f(lk["fixed_ms"], " ms", 2),
                _f(fl["fixed_ms"], " ms", 2),
                x,
                *_target(x, 2),
            )
        )
        out.append(
            Row(
                f"server CPU per edit, per screen, {label}",
                _f(lk["per_screen_us"], " µs"),
                _f(fl["per_screen_us"], " µs"),
                ratio(lk["per_screen_us"], fl["per_screen_us"]),
            )
        )
        if "db_fixed_ms" in lk and "db_fixed_ms" in fl:
            out.append(
                Row(
                    f"  its database sessions' CPU per edit, fixed, {label}",
                    _f(lk["db_fixed_ms"], " ms", 2),
                    _f(fl["db_fixed_ms"], " ms", 2),
                    ratio(lk["db_fixed_ms"], fl["db_fixed_ms"]),
                )
            )
        lp, fp = lk["series"][0]["put"], fl["series"][0]["put"]
        out.append(
            Row(
                f"PUT alone, no screens, p50 / p99, {label}",
                f"{_f(lp['p50_ms'], '', 2)} / {_f(lp['p99_ms'], ' ms', 2)}",
                f"{_f(fp['p50_ms'], '', 2)} / {_f(fp['p99_ms'], ' ms', 2)}",
                ratio(lp["p99_ms"], fp["p99_ms"]),
            )
        )
    bare = thr["floor_get"]["per_second"]
    out.append(Row("bare GET, wrk 50 connections (reference)", "", _f(bare, "/s", 0), None))
    for db, label in (("sqlite", "SQLite"), ("pg", "PostgreSQL")):
        lk, fl = thr[f"lockstep_{db}"], thr[f"floor_{db}"]
        x = ratio(lk["per_second"], fl["per_second"])
        out.append(
            Row(
                f"edits/s, one process, {label} (errors)",
                f"{_f(lk['per_second'], '/s', 0)} ({lk['errors']})",
                f"{_f(fl['per_second'], '/s', 0)} ({fl['errors']})",
                x,
                *_target(x, 0.5, at_least=True),
            )
        )
        out.append(
            Row(
                f"  Lockstep edits/s ÷ bare GET, {label}",
                _f(ratio(lk["per_second"], bare), "", 3),
                "",
                None,
            )
        )
    prop = r["propagation"]
    for key, label, floor_key in (
        ("lockstep_sqlite", "SQLite", "floor_sqlite"),
        ("lockstep_pg", "PostgreSQL, one process", "floor_pg"),
        ("lockstep_pg_ab", "PostgreSQL, edits on A, screens on B", "floor_pg"),
    ):
        for n in r["screens"]:
            lk, fl = prop.get(f"{key}_{n}"), prop.get(f"{floor_key}_{n}")
            if not lk or not fl:
                continue
            x = ratio(lk["p99_ms"], fl["p99_ms"])
            target, result = "", ""
            if n == 200:
                target, result = _target(x, 1.3)
            elif n == 1000:
                target, result = _target(x, 1.5)
            out.append(
                Row(
                    f"propagation p50 / p99, {n} screens of one board, {label}",
                    f"{_f(lk['p50_ms'])} / {_f(lk['p99_ms'], ' ms')}",
                    f"{_f(fl['p50_ms'])} / {_f(fl['p99_ms'], ' ms')}",
                    x,
                    target,
                    result,
                )
            )
    for db, label in (("sqlite", "SQLite"), ("pg", "PostgreSQL")):
        lk, fl = con[f"lockstep_{db}"], con[f"floor_{db}"]
        x = ratio(lk["contended"]["p99_ms"], lk["alone"]["p99_ms"])
        out.append(
            Row(
                f"PUT p99, 20 writers on one cell / alone, {label} (ratio: Lockstep's)",
                f"{_f(lk['contended']['p99_ms'])} / {_f(lk['alone']['p99_ms'], ' ms')}",
                f"{_f(fl['contended']['p99_ms'])} / {_f(fl['alone']['p99_ms'], ' ms')}",
                x,
                *_target(x, 5),
            )
        )
    mem = r["memory"]
    x = ratio(mem["lockstep"]["kb_per_connection"], mem["floor"]["kb_per_connection"])
    out.append(
        Row(
            f"memory per idle live connection ({mem['lockstep']['connections']}, fresh process)",
            _f(mem["lockstep"]["kb_per_connection"], " KB"),
            _f(mem["floor"]["kb_per_connection"], " KB"),
            x,
            *_target(x, 1.25),
        )
    )
    ren = r["render"]
    size = ren["big_board_size"]
    bare_big = ren["bare_jinja_big_table"]["median_ms"]
    x = ratio(ren["big_board_page_after_edit"]["median_ms"], bare_big)
    out.append(
        Row(
            f"{size} board page, first view after an edit (floor: bare Jinja table)",
            _f(ren["big_board_page_after_edit"]["median_ms"], " ms"),
            _f(bare_big, " ms"),
            x,
            *_target(x, 2),
        )
    )
    out.append(
        Row(
            f"{size} board page, unchanged board (floor: bare Jinja table)",
            _f(ren["big_board_page"]["median_ms"], " ms"),
            _f(bare_big, " ms"),
            ratio(ren["big_board_page"]["median_ms"], bare_big),
        )
    )
    out.append(
        Row(
            "seeded board page, first view after an edit (floor: bare Jinja 20×8)",
            _f(ren["seeded_board_page_after_edit"]["median_ms"], " ms"),
            _f(ren["bare_jinja_seeded_table"]["median_ms"], " ms"),
            ratio(
                ren["seeded_board_page_after_edit"]["median_ms"],
                ren["bare_jinja_seeded_table"]["median_ms"],
            ),
        )
    )
    ev = r["event"]
    out.append(
        Row(
            "cell event captured for the floor's payload: data bytes / data: lines",
            f"{ev['lockstep']['bytes']} / {ev['lockstep']['lines']}",
            f"{ev['floor']['bytes']} / {ev['floor']['lines']}",
            ratio(ev["lockstep"]["bytes"], ev["floor"]["bytes"]),
        )
    )
    for n in (200, 1000):
        lk, fl = prop.get(f"lockstep_sqlite_{n}", {}), prop.get(f"floor_sqlite_{n}", {})
        if "event_bytes" in lk and "event_bytes" in fl:
            out.append(
                Row(
                    f"events delivered, {n} screens, SQLite: mean data bytes / data: lines",
                    f"{lk['event_bytes']} / {lk['event_lines']}",
                    f"{fl['event_bytes']} / {fl['event_lines']}",
                    ratio(lk["event_bytes"], fl["event_bytes"]),
                )
            )
    return out


def checks(r: dict[str, Any]) -> list[str]:
    """Every propagation and CPU series: delivered-and-correct / wrong / missing."""
    out = []
    series = [(k, v) for k, v in r["propagation"].items()]
    for k, v in r["cpu"].items():
        series += [(f"cpu_{k}_{s['screens']}", s) for s in v["series"] if s["screens"]]
    for k, v in series:
        bad = "" if not (v["wrong"] or v["missing"]) else "   <-- CHECK"
        out.append(
            f"{k:<32}{v['correct']:>7}/{v['expected']:<7} correct {v['wrong']:>5} wrong "
            f"{v['missing']:>5} missing{bad}"
        )
    return out


def report(r: dict[str, Any]) -> None:
    print(f"\nLockstep benchmark · {r['date']} · {r['machine']}{' · QUICK' if r['quick'] else ''}")
    table = rows(r)
    w = max(len(x.measure) for x in table) + 2
    print(f"\n{'measure':<{w}}{'Lockstep':>20}{'floor':>20}{'ratio':>8}{'target':>9}{'':>2}result")
    for x in table:
        rt = "" if x.ratio is None else f"{x.ratio:.2f}×"
        print(f"{x.measure:<{w}}{x.lockstep:>20}{x.floor:>20}{rt:>8}{x.target:>9}  {x.result}")
    print("\nevents checked (each must be the expected change, with the edited cell's letters):")
    for line in checks(r):
        print("  " + line)
    thr = r["throughput"]
    print("\nwrk errors (non-2xx / socket):")
    runs = {**thr}
    for side, pair in r["contention"].items():
        runs.update({f"{side}_{m}": pair[m] for m in pair})
    for k, v in runs.items():
        print(
            f"  {k:<30}{v['requests']:>8} requests {v['non2xx']:>6} non-2xx {v['socket_errors']:>4} socket"
        )
    print("\nother pages and exports (no floor equivalent), median ms:")
    in_table = {
        "big_board_page",
        "big_board_page_after_edit",
        "bare_jinja_big_table",
        "seeded_board_page_after_edit",
        "bare_jinja_seeded_table",
    }
    for k, v in r["render"].items():
        if isinstance(v, dict) and k not in in_table:
            print(f"  {k:<34}{v['median_ms']:>10}{v['bytes']:>12} bytes")
