"""CPU of a PostgreSQL database's sessions (the server runs on this machine): what an app
makes the database do, read from /proc for every backend connected to that database."""

from __future__ import annotations

import psycopg

from bench.procstat import own_cpu_seconds


def session_pids(url: str) -> list[int]:
    """The backends connected to ``url``'s database, but the one asking."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    name = plain.rsplit("/", 1)[1]
    with psycopg.connect(plain, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return [int(r[0]) for r in rows]


def session_cpu_seconds(url: str) -> float:
    """CPU so far of the database's current sessions (sessions that close meanwhile are
    lost: measured over a series of sequential edits, the apps' pools stay open)."""
    return own_cpu_seconds(session_pids(url))
