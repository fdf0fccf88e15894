"""The SVG pictures, parsed: bars, widths and labels must say what the matrix says."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from backend.exports.pictures import BAR_H, Pictures
from tests.unit.test_handoff import DOC

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def test_load_chart_bars_are_the_balance_stacked_to_scale():
    pics = Pictures(DOC)
    root = parse(pics.load_chart_svg())
    assert root.get("role") == "img" and root.find(f"{NS}title") is not None
    assert root.get("width") == "100%" and root.get("viewBox")
    unit = BAR_H / pics.load.largest()
    bars = {
        (r.get("data-function"), r.get("data-phase"), r.get("data-role")): r
        for r in root.iter(f"{NS}rect")
        if "pic-bar" in (r.get("class") or "")
    }
    assert len(bars) == 3 * 4 * 2
    for f in DOC["functions"]:
        for p in DOC["phases"]:
            o, d = pics.load.counts[f][p]
            owner, driver = bars[(f, p, "owner")], bars[(f, p, "driver")]
            assert int(owner.get("data-value")) == o
            assert int(driver.get("data-value")) == d
            assert float(owner.get("height")) == pytest.approx(o * unit)
            assert float(driver.get("height")) == pytest.approx(d * unit)
            # stacked: the driver bar sits right on top of the owner bar
            assert float(driver.get("y")) + float(driver.get("height")) == pytest.approx(
                float(owner.get("y"))
            )
    assert pics.load.counts["PMM"]["Grow"] == (2, 2)
    assert "O2" in texts(root) and "D2" in texts(root)


def test_load_chart_flags_with_outline_and_text():
    root = parse(Pictures(DOC).load_chart_svg())
    flagged = {
        (r.get("data-function"), r.get("data-phase"), r.get("data-flags"))
        for r in root.iter(f"{NS}rect")
        if r.get("class") == "pic-flag"
    }
    assert ("Sales", "Build", "idle") in flagged
    assert ("PM", "Discover", "owns_most") in flagged
    assert ("PM", "Build", None) not in {(f, p, None) for f, p, _ in flagged}
    assert "! 0" in texts(root)  # the idle Sales bar says so in text
    assert "Build !" in texts(root)
    title = root.find(f"{NS}title").text
    assert "Sales holds no role in Build" in title


def test_swimlane_counts_per_lane_and_phase():
    pics = Pictures(DOC)
    root = parse(pics.swimlane_svg())
    got = {
        (r.get("data-function"), r.get("data-phase"), r.get("class")): int(r.get("data-value"))
        for r in root.iter(f"{NS}rect")
        if r.get("data-value") is not None
    }
    for f in DOC["functions"]:
        for p in DOC["phases"]:
            o, d = pics.load.counts[f][p]
            assert got[(f, p, "pic-owner")] == o
            assert got[(f, p, "pic-driver")] == d
    widths = [
        float(r.get("width"))
        for r in root.iter(f"{NS}rect")
        if r.get("data-function") == "PM" and r.get("class") == "pic-owner"
    ]
    assert widths == pytest.approx([160 / 3, 80 / 3, 160 / 3, 160 / 3], abs=0.01)  # of 3
    assert {"PM", "PMM", "Sales"} <= set(texts(root))


def test_strip_shows_owner_driver_and_markers():
    pics = Pictures(DOC)
    positioning = pics.strips[0]
    root = parse(pics.strip_svg(positioning))
    segs = {
        (r.get("data-phase"), r.get("data-role")): r.get("data-who") for r in root.iter(f"{NS}rect")
    }
    assert segs[("Launch", "owner")] == "PM" and segs[("Launch", "driver")] == "PMM"
    assert segs[("Grow", "owner")] == "PMM"
    markers = {(m.get("data-phase"), m.get("data-role")) for m in root.iter(f"{NS}path")}
    assert markers == {("Launch", "driver"), ("Grow", "owner")}
    assert "O PM" in texts(root) and "D PMM" in texts(root)
    empty = parse(pics.strip_svg(pics.strips[1]))
    assert "O —" in texts(empty)  # Pricing has no owner in Build


def test_text_is_escaped_and_alternatives_exist():
    doc = {**DOC, "functions": ["PM", "<b>&\"x"], "activities": [
        {"name": "<script>", "cells": {"Build": {"<b>&\"x": "OD"}}}]}  # fmt: skip
    pics = Pictures(doc)
    for svg in (pics.load_chart_svg(), pics.swimlane_svg(), pics.strip_svg(pics.strips[0])):
        root = parse(svg)  # well-formed despite the markup in names
        assert "<b>" not in svg and "style=" not in svg
        assert root.get("role") == "img"
    assert "sr-only" in pics.load_chart() and "<table" in pics.load_chart()
    assert "sr-only" in pics.strip(pics.strips[0])
