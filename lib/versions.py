"""Versions in the cache every process shares: the catalog version, one number that any committed data change moves
on (the replica check in lib/db_router.py and in-memory indexes are keyed by it), and the tags rendered pages depend
on (lib/caching.py), each moved on only by a change to what it names.

They live in `shared_cache()`: the default cache when it is Redis; without Redis (local memory, private to each
process) a file-based cache under var/, so that every gunicorn worker on the machine sees one change at once and
the API's rate limits count one client once (settings.SHARED_CACHE_ALIAS)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import BaseCache, caches

VERSION_KEY = "catalog:version"


def shared_cache() -> BaseCache:
    """The cache all processes of the site share (versions, tags, rate-limit counts)."""
    return caches[settings.SHARED_CACHE_ALIAS]


def catalog_version() -> int:
    """The current version. A missing key (a new or flushed cache) starts from the clock in microseconds, never
    from a small number an earlier cache already used: processes compare it with the version of what they hold
    in memory (providers.pricing.ranking), which a flush does not clear."""
    cache = shared_cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY)
        if version is None:  # a cache that keeps nothing (DummyCache): every read is a new version
            return time.time_ns() // 1000
    return int(version)


def next_version() -> int:
    """Move the catalog version on and return the new one."""
    cache = shared_cache()
    try:
        return int(cache.incr(VERSION_KEY))
    except ValueError:  # the key expired or was evicted: any new number invalidates
        version = catalog_version() + 1
        cache.set(VERSION_KEY, version, timeout=None)
        return version
