"""Our migrations go back as well as forward: every app migrates to zero and up again on a scratch database, and
the schema it ends with is the one it started with. (`makemigrations --check` in `make test` checks that the
migrations match the models.)

PostgreSQL only: it is the production database, where a rollback would run, and on SQLite each step back
rebuilds whole tables, which would make this test slow for no extra assurance.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
# In the order they depend on each other: back to zero in reverse.
APPS = ("catalog", "providers", "benchmarks")

ROUND_TRIP = f"""
import json, django
django.setup()
from django.core.management import call_command
from django.db import connection

def schema():
    with connection.cursor() as cursor:
        tables = sorted(t for t in connection.introspection.table_names(cursor) if t.split("_")[0] in {APPS!r})
        return {{t: sorted(c.name for c in connection.introspection.get_table_description(cursor, t)) for t in tables}}

call_command("migrate", verbosity=0)
before = schema()
for app in reversed({APPS!r}):
    call_command("migrate", app, "zero", verbosity=0)
at_zero = schema()
for app in {APPS!r}:
    call_command("migrate", app, verbosity=0)
print(json.dumps({{"before": before, "at_zero": at_zero, "after": schema()}}))
"""

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="checked on PostgreSQL (DATABASE_URL=postgres://...), the production database",
)


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A database beside the test database, named for this worker so parallel runs never share it: a copy of
    the migrated test database when PostgreSQL can copy it (no other session on it), else an empty one."""
    primary = settings.DATABASES["default"]
    name = f"{primary['NAME']}_migrations"
    server = {
        "host": primary["HOST"] or None,
        "port": primary["PORT"] or None,
        "user": primary["USER"] or None,
        "password": primary["PASSWORD"] or None,
    }
    connections.close_all()  # a template must have no open sessions
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        try:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(primary["NAME"]))
            )
        except psycopg.errors.ObjectInUse:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        login = quote(primary["USER"] or "") + (f":{quote(primary['PASSWORD'])}" if primary["PASSWORD"] else "")
        yield f"postgres://{login}@{primary['HOST'] or 'localhost'}:{primary['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_it_migrates_every_app_to_zero_and_back_to_the_same_schema(scratch_database):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    result = subprocess.run(
        [sys.executable, "-c", ROUND_TRIP],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": scratch_database},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout.splitlines()[-1])
    assert {table.split("_")[0] for table in schema["before"]} == set(APPS)
    assert schema["at_zero"] == {}
    assert schema["after"] == schema["before"]
