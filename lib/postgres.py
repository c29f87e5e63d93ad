"""Session settings for every PostgreSQL connection this site opens (connected in CatalogConfig.ready)."""

from __future__ import annotations

from typing import Any


def tune_session(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver. PostgreSQL's JIT compiles any query its planner thinks costly: on this
    site's page queries that cost 30-430 ms of compiling for a few ms of running (docs/performance.md). Set per
    session rather than as a startup `options` parameter, which PgBouncer and hosted poolers refuse."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
