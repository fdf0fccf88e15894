"""The layers as import-linter checks them (pyproject.toml) cover every module, and no
module imports inside a function except where the import is optional."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPTIONAL = {
    # Only a PostgreSQL deployment loads the LISTEN/NOTIFY broker.
    ("backend/app.py", "backend.live.pg_broker"),
}


def modules() -> set[str]:
    found = set()
    for path in (ROOT / "backend").rglob("*.py"):
        if "static" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found.add(name.removesuffix(".__init__"))
    return found


def test_every_module_sits_in_a_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    placed = {m for layer in layers for m in re.split(r"[\s:|]+", layer) if m}
    packages = {m for m in modules() if (ROOT / m.replace(".", "/") / "__init__.py").exists()}
    unplaced = {
        m for m in modules() - packages if not any(m == p or m.startswith(p + ".") for p in placed)
    }
    assert not unplaced, f"place these in a layer in pyproject.toml: {sorted(unplaced)}"


def test_no_imports_inside_functions() -> None:
    found = []
    for path in sorted((ROOT / "backend").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        for fn in ast.walk(ast.parse(path.read_text())):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and (rel, node.module) not in OPTIONAL:
                    found.append(f"{rel}:{node.lineno} from {node.module}")
                elif isinstance(node, ast.Import):
                    found.append(f"{rel}:{node.lineno} import {node.names[0].name}")
    assert not found, "imports inside functions (hoist them, or list an optional one): " + str(
        found
    )
