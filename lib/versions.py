"""The catalog version: one number in the shared cache that any committed data change moves on. Rendered pages
(lib/caching.py), the replica check (lib/db_router.py) and in-memory indexes are all keyed by it."""

from __future__ import annotations

import time

from django.core.cache import cache

VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    """The current version. A missing key (a new or flushed cache) starts from the clock in microseconds, never
    from a small number an earlier cache already used: processes compare it with the version of what they hold
    in memory (providers.pricing.ranking), which a flush does not clear."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY)
        if version is None:  # a cache that keeps nothing (DummyCache): every read is a new version
            return time.time_ns() // 1000
    return int(version)
