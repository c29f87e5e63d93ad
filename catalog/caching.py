"""Rendered pages are cached under a catalog-wide version number, bumped when the data changes.

Any write to catalog, provider or benchmark rows (an admin edit, through model signals) and every sync that
changed something (explicitly: syncs write in bulk, which sends no signals) bump the version once the transaction
commits, so every cached page becomes stale at once and no page can show half a sync. With a read replica, a
page is rendered from it only once the replica has replayed the version's changes (config/db_router.py).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from config import db_router

VERSION_KEY = "catalog:version"
# Rows whose changes do not change what a page shows.
BOOKKEEPING_MODELS = frozenset({"syncrun", "syncpayload", "unmatchedid"})
WATCHED_APPS = frozenset({"catalog", "providers", "benchmarks"})


def catalog_version() -> int:
    """The current version. A missing key (a new or flushed cache) starts from the clock in microseconds, never
    from a small number an earlier cache already used: processes compare it with the version of what they hold
    in memory (providers.ranking), which a flush does not clear."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY)
        if version is None:  # a cache that keeps nothing (DummyCache): every read is a new version
            return time.time_ns() // 1000
    return int(version)


def bump_catalog_version() -> None:
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # the key expired or was evicted: any new number invalidates
        version = catalog_version() + 1
        cache.set(VERSION_KEY, version, timeout=None)
    db_router.note_primary_position(version)


def bump_after_commit() -> None:
    transaction.on_commit(bump_catalog_version)


def on_data_change(sender: type, **kwargs: Any) -> None:
    """Signal receiver (connected in CatalogConfig.ready) for saves and deletes in the catalog's apps."""
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in WATCHED_APPS and meta.model_name not in BOOKKEEPING_MODELS:
        bump_after_commit()


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a GET from the cache when this catalog version already rendered it (per full URL, and per
    htmx fragment vs whole page). Only successful responses are kept."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if request.method != "GET" or not seconds:
            return view(request, *args, **kwargs)
        fragment = request.headers.get("HX-Request") == "true"
        digest = hashlib.sha256(f"{request.get_full_path()}|{fragment}".encode()).hexdigest()
        key = f"page:{catalog_version()}:{digest}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
        else:
            db_router.recheck_replica()  # what renders now is kept under this version: no lagging replica
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.streaming:
                cache.set(key, (response.content, response["Content-Type"]), seconds)
                response["X-Page-Cache"] = "miss"
        # One URL answers with a whole page or, to htmx, a fragment: shared caches must keep them apart.
        patch_vary_headers(response, ["HX-Request"])
        return response

    return wrapper
