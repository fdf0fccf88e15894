"""mypy under a baseline that may only shrink.

    python tools/mypy_baseline.py            check: fail on any error not in the baseline
    python tools/mypy_baseline.py --update   rewrite mypy-baseline.txt after fixing errors

mypy reads its settings from pyproject.toml: strict on the modules listed there (the pure
domain and every module written since), plain on the rest. Errors are compared without
line numbers, as a multiset, so moving code does not disturb the baseline. It fails on a
new error, and on a fixed one until the baseline is rewritten, so the file only shrinks;
errors in the strict modules are never accepted into it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<rest>.*)$")


def strict_prefixes() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    prefixes = []
    for override in config.get("overrides", []):
        if override.get("disallow_untyped_defs"):
            for module in override["module"]:
                prefixes.append(module.removesuffix(".*").replace(".", "/"))
    return prefixes


def current_errors() -> Counter[str]:
    run = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if run.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        sys.exit(run.stdout + run.stderr)
    found: Counter[str] = Counter()
    for line in run.stdout.splitlines():
        m = ERROR.match(line)
        if m:
            found[f"{m['path']}: {m['rest']}"] += 1
    return found


def main(argv: list[str]) -> int:
    found = current_errors()
    strict = strict_prefixes()
    in_strict = sorted(e for e in found if any(e.startswith(p) for p in strict))
    if "--update" in argv:
        if in_strict:
            print("Not accepted into the baseline (strict modules):", *in_strict, sep="\n  ")
            return 1
        BASELINE.write_text("".join(f"{e}\n" for e in sorted(found.elements())))
        print(f"mypy-baseline.txt: {sum(found.values())} errors")
        return 0
    known = Counter(BASELINE.read_text().splitlines()) if BASELINE.exists() else Counter()
    new, fixed = found - known, known - found
    for error in sorted(set(new) | set(in_strict)):
        print(f"new: {error}")
    for error in sorted(fixed):
        print(f"fixed: {error}")
    total = sum(found.values())
    if new or in_strict:
        print(f"mypy: {sum(new.values())} new errors ({total} in all); fix them")
        return 1
    if fixed:
        print(
            f"mypy: {sum(fixed.values())} errors fixed; shrink the baseline with "
            "`python tools/mypy_baseline.py --update` and commit it"
        )
        return 1
    print(f"mypy: {total} errors, all in the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
