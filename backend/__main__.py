"""Command line: ``python -m backend serve|migrate|demo``.

``serve`` migrates a SQLite database (on PostgreSQL a separate migration step does
that), makes the demo board once, prints its links and runs uvicorn.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlmodel import Session

from backend.config import ROOT, get_settings
from backend.db import get_engine
from backend.demo import ensure_demo_board
from backend.observability.logs import uvicorn_log_config


def migrate(url: str | None = None) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    # Logging is the app's (backend/observability/logs.py: one handler, tokens redacted);
    # alembic.ini's own handlers would print every line again, unredacted.
    cfg.attributes["configure_logging"] = False
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    command.upgrade(cfg, "head")


def check_database() -> None:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any driver error means "cannot reach it"
        sys.exit(f"lockstep: cannot reach the database at {get_settings().database_url!r}: {exc}")


def demo_links() -> tuple[str, str]:
    base = get_settings().base_url
    with Session(get_engine()) as session:
        board = ensure_demo_board(session)
        return f"{base}/f/{board.facilitator_token}", f"{base}/j/{board.join_token}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lockstep")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate (SQLite), make the demo board, run the server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-migrate", action="store_true")
    sub.add_parser("migrate", help="run database migrations (alembic upgrade head)")
    sub.add_parser("demo", help="make the demo board if missing and print its links")
    args = parser.parse_args(argv)
    settings = get_settings()

    if args.command == "migrate":
        check_database()
        migrate()
        print("lockstep: database is at the latest migration")
        return
    if args.command == "demo":
        check_database()
        facilitator, join = demo_links()
        print(f"Facilitator link: {facilitator}\nParticipant link: {join}")
        return

    if args.workers != 1 and settings.broker_kind != "postgres":
        sys.exit(
            "lockstep: several workers need PostgreSQL (live updates cross processes with "
            "LISTEN/NOTIFY); with SQLite run one worker"
        )
    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    check_database()
    if settings.is_sqlite and not args.no_migrate:
        migrate()

    print(f"\n  Lockstep is running at {settings.base_url}/")
    if settings.create_demo_board:
        facilitator, join = demo_links()
        print(f"  Demo board, facilitator link: {facilitator}")
        print(f"  Demo board, participant link: {join}")
    print("  Press Ctrl+C to stop.\n", flush=True)
    uvicorn.run(
        "backend.app:app",
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        log_level="warning",
        log_config=uvicorn_log_config(),
        timeout_graceful_shutdown=3,
    )


if __name__ == "__main__":
    main()
