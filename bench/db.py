"""The benchmark's own database: created fresh, migrated, seeded."""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg


def recreate(url: str) -> None:
    """Drop and create the database named in `url` (through the server's `postgres` database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to recreate database {name!r}: give the benchmark a database of its own")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
