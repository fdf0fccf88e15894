"""The container image, checked without a Docker engine: the Dockerfile copies every file
the app reads at run time, installs the lock before the code and runs as a non-root user;
docker-compose.yml keeps the database connections under PostgreSQL's max_connections."""

from __future__ import annotations

import fnmatch
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from backend.boards.edit_connections import POOL_CONNECTIONS
from tests.harness import migrate
from tests.helpers import auth, join, make_board, set_cell

ROOT = Path(__file__).resolve().parents[1]
# Connections a worker opens outside its pool for live updates (backend/live/pg_broker.py:
# the LISTEN connection and the presence publisher).
LISTENER_CONNECTIONS = 2
EDIT_CONNECTIONS = POOL_CONNECTIONS  # the edit path's own pool, at most
# Left free for PostgreSQL's superuser reserve (3), the migration step, psql, monitoring.
SPARE_CONNECTIONS = 10


# --- the Dockerfile, parsed ----------------------------------------------------------------


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def stages(text: str) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Stage name -> (what it is FROM, its instructions); the last stage is also ``""``."""
    found: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    current: list[tuple[str, str]] = []
    for word, rest in instructions(text):
        if word == "FROM":
            parts = rest.split()
            name = parts[2] if len(parts) > 2 and parts[1].upper() == "AS" else f"#{len(found)}"
            current = []
            found[name] = (parts[0], current)
            found[""] = found[name]
        else:
            current.append((word, rest))
    return found


def chain(all_stages: dict, name: str) -> list[tuple[str, str]]:
    """A target's instructions, those of the stages it is built FROM first."""
    base, own = all_stages[name]
    return (chain(all_stages, base) if base in all_stages else []) + own


def copy_sources(all_stages: dict) -> list[str]:
    """Paths copied from the build context, by any stage."""
    sources = []
    for name, (_, steps) in all_stages.items():
        if name == "":
            continue
        for word, rest in steps:
            if word in ("COPY", "ADD") and "--from=" not in rest:
                args = [a for a in shlex.split(rest) if not a.startswith("--")]
                sources += [a.rstrip("/").removeprefix("./") for a in args[:-1]]
    return sources


def dockerignored(path: str, patterns: list[str]) -> bool:
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatch(p, pattern[3:]) for p in parts):
                return True
        elif any(fnmatch.fnmatch(p, pattern) for p in prefixes):
            return True
    return False


def ignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [ln.strip().rstrip("/") for ln in lines if ln.strip() and not ln.startswith("#")]
    assert not any(p.startswith("!") for p in patterns), "negations are not understood here"
    return patterns


DOCKERFILE = (ROOT / "Dockerfile").read_text()
STAGES = stages(DOCKERFILE)


def is_lock_install(word: str, rest: str) -> bool:
    return (
        word == "RUN"
        and "pip install" in rest
        and "--require-hashes" in rest
        and "-r requirements.lock" in rest
    )


@pytest.mark.parametrize("target", ["", "pdf"])
def test_the_lock_is_installed_before_any_code_and_the_app_runs_unprivileged(target: str) -> None:
    steps = chain(STAGES, target)
    installs = [i for i, step in enumerate(steps) if is_lock_install(*step)]
    assert installs, "the image must install requirements.lock with --require-hashes"
    copies = [(i, rest) for i, (word, rest) in enumerate(steps) if word in ("COPY", "ADD")]
    before = [rest for i, rest in copies if i < installs[0]]
    assert before == ["requirements.lock ./"], f"only the lock is copied before it: {before}"
    assert any(i > installs[0] for i, _ in copies), "the code is copied after the install"
    assert not any(w == "RUN" and re.search(r"pip install[^&]* \.(\s|$)", r) for w, r in steps), (
        "the app runs from the source tree; it is not installed"
    )
    users = [rest for word, rest in steps if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "runs as a non-root user"


def test_the_default_target_is_the_app_and_the_pdf_target_adds_chromium() -> None:
    assert STAGES[""] is STAGES["app"]
    pdf = " ".join(rest for word, rest in STAGES["pdf"][1] if word == "RUN")
    assert "apt-get install" in pdf and "chromium" in pdf
    assert "chromium" not in " ".join(rest for _, rest in chain(STAGES, "app"))


# --- every file the app reads is in the image -------------------------------------------------


@pytest.fixture
def reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Paths under the repository opened while the test runs (relative, deduplicated)."""
    from backend import render_cache
    from backend.catalogue import loader
    from backend.config import get_settings
    from backend.db import get_engine
    from backend.web import templates

    seen: set[str] = set()
    recording = [True]
    skip = (str(ROOT / ".venv"), str(ROOT / "tests"), str(ROOT / ".git"))

    def hook(event: str, args: tuple) -> None:  # type: ignore[type-arg]
        if recording[0] and event == "open" and isinstance(args[0], str | Path):
            path = str(args[0])
            # (An old editable install's *.egg-info is a build leftover, not the app's.)
            if (
                path.startswith(str(ROOT) + "/")
                and not path.startswith(skip)
                and ".egg-info/" not in path
            ):
                seen.add(str(Path(path).resolve().relative_to(ROOT)))

    # Read again what earlier tests in this process left cached.
    render_cache.clear()
    loader.load_catalogue.cache_clear()
    loader.source_titles.cache_clear()
    templates.env.cache.clear()
    url = f"sqlite:///{tmp_path / 'lockstep.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CREATE_DEMO_BOARD", "false")
    get_settings.cache_clear()
    get_engine.cache_clear()
    sys.addaudithook(hook)  # stays installed; ``recording`` turns it off
    try:
        yield seen
    finally:
        recording[0] = False
        get_engine().dispose()
        get_settings.cache_clear()
        get_engine.cache_clear()


def exercise(client: TestClient) -> None:
    """Every kind of page, export and file the app serves."""

    def ok(path: str, **kw: object) -> str:
        r = client.get(path, **kw)  # type: ignore[arg-type]
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        return r.text

    catalogue = client.get("/api/catalogue").json()
    ok("/api/frameworks")
    ok("/api/schema/board.json")
    ok("/openapi.json")
    ok("/docs")
    start = ok("/")
    board = make_board(client, activities=[{"name": a["name"]} for a in catalogue[:3]])
    tok, act = board.facilitator, catalogue[0]["name"]
    assert set_cell(client, board, tok, act, "Launch", "PMM", "O").status_code == 200
    person = join(client, board, "Ana", "PM")
    pages = [
        ok(f"/f/{tok}"),
        ok(f"/j/{board.join}"),
        ok(f"/boards/{board.id}/print", headers={"X-Lockstep-Token": tok}),
        ok(f"/boards/{board.id}/projector?token={board.join}"),
        ok(f"/boards/{board.id}/activities/{board.activity(act)}/history?token={tok}"),
    ]
    for fmt in ("csv", "wide.csv", "xlsx", "md", "json"):
        ok(f"/api/boards/{board.id}/export.{fmt}", headers=auth(tok))
    export = client.get(f"/api/boards/{board.id}/export.json", headers=auth(tok)).content
    r = client.post("/api/import", files={"file": ("board.json", export, "application/json")})
    assert r.status_code == 201, r.text
    client.get(f"/api/boards/{board.id}/export.pdf", headers=auth(tok))  # 503 without Chromium
    version = client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={}).json()
    viewer = version["viewer_url"].split("/v/")[1].split("/")[0]
    pages += [ok(f"/v/{viewer}"), ok(f"/v/{viewer}/1"), ok(f"/v/{viewer}/history")]
    ok(f"/v/{viewer}/1/print")
    for fmt in ("xlsx", "wide.csv", "md", "json"):
        ok(f"/api/view/{viewer}/1/export.{fmt}")
    # A workshop in its rounds renders most of the room's partials.
    hdr = auth(tok)
    r = client.put(f"/api/boards/{board.id}/mode", headers=hdr, json={"mode": "workshop"})
    assert r.status_code == 200, r.text
    for to in ("propose", "reveal", "agree"):
        client.post(f"/api/boards/{board.id}/round", headers=hdr, json={"to": to})
        pages += [ok(f"/f/{tok}"), ok(f"/boards/{board.id}/projector?token={board.join}")]
    client.get(f"/j/{board.join}", headers=auth(person))
    assert client.get("/no/such/page").status_code == 404
    for html in [start, *pages]:
        for asset in set(re.findall(r'(?:src|href)="(/static/[^"?#]+)', html)):
            ok(asset)


def test_every_file_the_app_reads_at_run_time_is_copied_into_the_image(
    reads: set[str], tmp_path: Path
) -> None:
    from backend.app import create_app
    from backend.config import get_settings

    migrate(get_settings().database_url)
    with TestClient(create_app()) as client:
        exercise(client)

    read = {p for p in reads if not p.endswith(".pyc") and p != ".env"}
    # The walk reached each kind of run-time file (else it proves nothing).
    for expected in (
        "alembic.ini",
        "migrations/env.py",
        "schemas/lockstep-board.schema.json",
        "seeds/catalogue.toml",
        "templates/board.html",
        "backend/static/app.css",
    ):
        assert expected in read, f"the walk did not read {expected}"
    sources = copy_sources(STAGES)
    ignored = ignore_patterns()
    missing = sorted(p for p in read if not any(p == s or p.startswith(s + "/") for s in sources))
    assert not missing, f"read at run time but not copied into the image: {missing}"
    excluded = sorted(p for p in read if dockerignored(p, ignored))
    assert not excluded, f"read at run time but left out by .dockerignore: {excluded}"


# --- compose: connections under max_connections ----------------------------------------------


def defaults(value: object) -> str:
    """``${VAR:-default}`` as compose resolves it with VAR unset."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))


def test_compose_keeps_every_workers_connections_under_max_connections() -> None:
    from backend.config import Settings

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app, db = compose["services"]["app"], compose["services"]["db"]
    command = [defaults(c) for c in app["command"]]
    workers = int(next(c.split("=", 1)[1] for c in command if c.startswith("--workers=")))
    env = {k: defaults(v) for k, v in app["environment"].items()}
    pool, overflow = int(env["DB_POOL_SIZE"]), int(env["DB_MAX_OVERFLOW"])
    db_command = " ".join(defaults(c) for c in db["command"])
    max_connections = int(re.search(r"max_connections=(\d+)", db_command).group(1))  # type: ignore[union-attr]

    assert overflow >= 0, "each worker's pool is capped"
    used = workers * (pool + overflow + LISTENER_CONNECTIONS + EDIT_CONNECTIONS) + SPARE_CONNECTIONS
    assert used <= max_connections, (workers, pool, overflow, max_connections)
    assert workers >= 2
    # Every variable compose sets is one the app reads (a typo would be silently ignored).
    fields = {name.upper() for name in Settings.model_fields}
    assert set(env) <= fields, set(env) - fields
    assert env["LOG_FORMAT"] == "json"
    log_config = next(c.split("=", 1)[1] for c in command if c.startswith("--log-config="))
    assert (ROOT / log_config).is_file()
    assert log_config.startswith(tuple(s + "/" for s in copy_sources(STAGES)))
