"""Reads of anonymous page and API requests from the read replica (DATABASE_REPLICA_URL); everything else from
the primary.

The replica is opt-in per unit of work, never by default: `ReplicaReadsMiddleware` marks a GET, HEAD or OPTIONS
request outside the admin that carries no credentials (no session cookie, no Authorization header), and only
the reads of such a request may leave the primary. Syncs, Celery tasks, commands, the admin and every signed-in
or writing request stay on the primary, so whoever writes reads what they wrote. Inside a marked request the
primary is used again:
- for every write, and for every read after the request's first write;
- for every read inside a transaction (`transaction.atomic()` on the primary);
- when the replica has not yet replayed the last catalog change (below) or cannot be reached.

A lagging replica must not be cached as the new catalog: rendered pages and the route index are kept under
the catalog version (lib/caching.py), which moves on the moment a change commits on the primary. So when
the version moves, `note_primary_position` stores the primary's WAL position for it, and a marked request reads
the replica only if the replica has replayed at least that far (one query, once per request, and again whenever
a page or the index is about to be built for a version: `recheck_replica`). Requests that do not touch the
database (a page cache hit) cost nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.http import HttpRequest, HttpResponse

from lib.versions import catalog_version

REPLICA_DB_ALIAS = "replica"
# How long the primary's WAL position (a PostgreSQL LSN such as "0/16B3748") is kept per catalog version;
# a version outlives its key only when nothing changed for that long, and then the key is recomputed.
POSITION_SECONDS = 24 * 3600
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ADMIN_PREFIX = "/admin/"

logger = logging.getLogger(__name__)


@dataclass
class _ReplicaReads:
    wrote: bool = False
    replica_current: bool | None = None  # None: not checked yet in this unit of work


_replica_reads: ContextVar[_ReplicaReads | None] = ContextVar("replica_reads", default=None)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads inside this block use the replica (under the rules above)."""
    token = _replica_reads.set(_ReplicaReads())
    try:
        yield
    finally:
        _replica_reads.reset(token)


def may_read_replica(request: HttpRequest) -> bool:
    return (
        request.method in READ_ONLY_METHODS
        and not request.path.startswith(ADMIN_PREFIX)
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaReadsMiddleware:
    """Marks the requests whose reads may use the replica. Without ReplicaRouter the mark changes nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not may_read_replica(request):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)


class ReplicaRouter:
    """DATABASE_ROUTERS entry when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        reads = _replica_reads.get()
        if reads is None or reads.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if reads.replica_current is None:
            reads.replica_current = replica_caught_up()
        return REPLICA_DB_ALIAS if reads.replica_current else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        reads = _replica_reads.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Both aliases hold the same rows: a model read from the replica may point at one read from the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        # The replica copies the primary's schema; migrating it would fail (a standby is read-only) or diverge.
        return db == DEFAULT_DB_ALIAS


def replica_in_use() -> bool:
    return any(isinstance(each, ReplicaRouter) for each in router.routers)


def replica_caught_up() -> bool:
    """The replica has replayed every change of the current catalog version. A database that is not a standby
    (a test mirror, a promoted replica) is always current; an unreachable one never is, so reads go to the
    primary."""
    replica = connections[REPLICA_DB_ALIAS]
    if replica.vendor != "postgresql":
        return True
    version = catalog_version()
    position = cache.get(position_key(version))
    try:
        if position is None:
            # Not recorded yet (the version just moved, or no change since the cache started): the primary's
            # position now is past every change this version holds, since they committed before we read it.
            position = primary_position()
            cache.add(position_key(version), position, POSITION_SECONDS)
        with replica.cursor() as cursor:
            cursor.execute(
                "SELECT NOT pg_is_in_recovery() OR coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)",
                [position],
            )
            return bool(cursor.fetchone()[0])
    except DatabaseError as error:
        logger.warning("read replica unavailable, reading from the primary: %s", error)
        return False


def recheck_replica() -> None:
    """Check the replica again before the next read: what is read next is kept under the current version."""
    reads = _replica_reads.get()
    if reads is not None:
        reads.replica_current = None


def position_key(version: int) -> str:
    return f"db:wal-position:{version}"


def primary_position() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def note_primary_position(version: int) -> None:
    """Record the WAL position a replica must reach to show `version`: called right after the version moved on.
    Read after the move, it is past every change the version holds, whatever order concurrent changes
    committed and moved the version in."""
    if not replica_in_use() or connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return
    try:
        cache.add(position_key(version), primary_position(), POSITION_SECONDS)
    except DatabaseError as error:  # the change is committed: readers will ask the primary themselves
        logger.warning("could not record the primary's WAL position: %s", error)
