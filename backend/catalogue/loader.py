"""Load the seeded PM/PMM activity catalogue from ``seeds/catalogue.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
CATALOGUE_FILE = SEEDS_DIR / "catalogue.toml"


@dataclass(frozen=True)
class CatalogueActivity:
    key: str
    name: str
    description: str
    sources: tuple[str, ...]
    mentions: tuple[str, ...]


@cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> tuple[CatalogueActivity, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    items = tuple(
        CatalogueActivity(
            key=a["key"],
            name=a["name"],
            description=a["description"],
            sources=tuple(a["sources"]),
            mentions=tuple(a["mentions"]),
        )
        for a in data["activity"]
    )
    keys = [a.key for a in items]
    if len(set(keys)) != len(keys):
        raise ValueError(f"Duplicate activity keys in {path.name}")
    return items


@cache
def source_titles(path: Path = CATALOGUE_FILE) -> dict[str, str]:
    """Seed article file name -> a short label to show beside an activity."""
    return dict(tomllib.loads(path.read_text(encoding="utf-8")).get("sources", {}))
