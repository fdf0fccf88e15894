"""The seeded catalogue loads, covers the shared activities, and cites real sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backend.catalogue.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
SEED_DOCS = Path(os.environ.get("LOCKSTEP_SEED_DOCS", ROOT.parent / "shared" / "seed-documents"))


def need_seed_docs() -> None:
    if not SEED_DOCS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"seed documents not found at {SEED_DOCS}")
        pytest.skip(f"seed documents not found at {SEED_DOCS}; set LOCKSTEP_SEED_DOCS")


def test_catalogue_loads_with_required_fields():
    items = load_catalogue()
    assert len(items) >= 14
    for a in items:
        assert a.key and a.name and len(a.name) <= 80
        assert a.description.endswith(".") and len(a.description) <= 200
        assert a.sources and a.mentions


@pytest.mark.parametrize(
    "needle",
    [
        "segmentation",
        "tam",
        "value proposition",
        "persona",
        "pricing",
        "positioning",
        "go-to-market",
        "competitor",
        "messaging",
        "launch",
        "feedback",
        "sales enablement",
        "research",
    ],
)
def test_required_activities_present(needle):
    names = [a.name.lower() for a in load_catalogue()]
    assert any(needle in n for n in names), needle


def test_each_source_mentions_its_activity():
    need_seed_docs()
    for a in load_catalogue():
        for source in a.sources:
            text = (SEED_DOCS / source).read_text(encoding="utf-8").lower()
            assert any(m.lower() in text for m in a.mentions), (a.name, source)


def test_descriptions_are_our_own_words():
    need_seed_docs()
    corpus = " ".join(
        " ".join(p.read_text(encoding="utf-8").lower().split()) for p in SEED_DOCS.glob("*.txt")
    )
    for a in load_catalogue():
        words = a.description.lower().rstrip(".").split()
        for i in range(len(words) - 7):
            assert " ".join(words[i : i + 8]) not in corpus, a.name


def test_every_cited_source_has_a_label():
    from backend.catalogue.loader import source_titles

    titles = source_titles()
    for a in load_catalogue():
        for source in a.sources:
            assert titles.get(source), source
