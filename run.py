#!/usr/bin/env python3
"""Lockstep's two commands, needing only Python 3.11+ on the machine.

    python3 run.py          start the app (SQLite file, demo board, prints the links)
    python3 run.py test     run the whole suite (lint, types, layers, unit, API, live, browser)
    python3 run.py demo     print the demo board's links again

Both create ``.venv`` on first use and install the locked dependencies into it
(``requirements.lock``; the tests also ``requirements-dev.lock``), every file checked
against its hash; later runs reinstall only when a lock file changes. The app runs from
this folder, so it is not installed as a package. Extra arguments go to the server
(``--port 9000``) or to pytest (``-k live``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_env(dev: bool) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an older python3
        sys.exit("Lockstep needs Python 3.11 or newer")
    if not PYTHON.exists():
        print("lockstep: creating .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    lock = ROOT / ("requirements-dev.lock" if dev else "requirements.lock")
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp = VENV / f".installed-{lock.stem}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print(f"lockstep: installing {lock.name} …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.check_call([*pip, "--require-hashes", "-r", str(lock)], cwd=ROOT)
    stamp.write_text(wanted)


def start(args: list[str]) -> int:
    ensure_env(dev=False)
    os.chdir(ROOT)
    os.execv(str(PYTHON), [str(PYTHON), "-m", "backend", "serve", *args])
    return 0  # not reached


def test(args: list[str]) -> int:
    ensure_env(dev=True)
    steps = [
        [str(PYTHON), "-m", "ruff", "check", "."],
        [str(PYTHON), "-m", "ruff", "format", "--check", "."],
        [str(PYTHON), "tools/mypy_baseline.py"],
        [str(PYTHON), "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        [str(PYTHON), "-m", "pytest", *args],
    ]
    for step in steps:
        print(
            "$",
            " ".join(Path(step[0]).name if i == 0 else s for i, s in enumerate(step)),
            flush=True,
        )
        code = subprocess.call(step, cwd=ROOT)
        if code != 0:
            return code
    return 0


def main() -> int:
    argv = sys.argv[1:]
    if argv and argv[0] == "test":
        return test(argv[1:])
    if argv and argv[0] == "demo":
        ensure_env(dev=False)
        return subprocess.call([str(PYTHON), "-m", "backend", "demo"], cwd=ROOT)
    if argv and argv[0] == "start":
        argv = argv[1:]
    return start(argv)


if __name__ == "__main__":
    sys.exit(main())
