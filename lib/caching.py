"""Rendered pages are cached under a catalog-wide version number, bumped when the data changes.

Any write to catalog, provider or benchmark rows (an admin edit, through model signals) and every sync that
changed something (explicitly: syncs write in bulk, which sends no signals) bump the version once the transaction
commits, so every cached page becomes stale at once and no page can show half a sync. With a read replica, a
page is rendered from it only once the replica has replayed the version's changes (lib/db_router.py).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.text import compress_string

from lib import db_router
from lib.versions import VERSION_KEY, catalog_version

# Rows whose changes do not change what a page shows.
BOOKKEEPING_MODELS = frozenset({"syncrun", "syncpayload", "unmatchedid"})
WATCHED_APPS = frozenset({"catalog", "providers", "benchmarks"})


def bump_catalog_version() -> None:
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # the key expired or was evicted: any new number invalidates
        version = catalog_version() + 1
        cache.set(VERSION_KEY, version, timeout=None)
    LOCAL.forget()  # after the bump: this process sees its own change at once
    db_router.note_primary_position(version)


def bump_after_commit() -> None:
    transaction.on_commit(bump_catalog_version)


def on_data_change(sender: type, **kwargs: Any) -> None:
    """Signal receiver (connected in CatalogConfig.ready) for saves and deletes in the catalog's apps."""
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in WATCHED_APPS and meta.model_name not in BOOKKEEPING_MODELS:
        bump_after_commit()


# Headers a kept response is served again with (Content-Type and the ETag always; the API adds its own).
KEPT_HEADERS = ("Content-Type", "ETag", "Cache-Control", "Last-Modified", "Allow", "Content-Language")
# Bodies at least this long are also kept gzip-compressed, for the clients that accept it (every browser).
COMPRESS_FROM_BYTES = 1024
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def entry_key(kind: str, *parts: str) -> str:
    return f"{kind}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def request_url(request: HttpRequest) -> str:
    """The URL a request was routed by, as it came: scheme, host, path and query string, with no normalisation
    routing does not do (build_absolute_uri resolves `..` segments, so `/models/openai/%2e%2e/` - a 404 - would
    share the entry of `/models/`)."""
    return f"{request.scheme}://{request.get_host()}{request.get_full_path()}"


class LocalEntries:
    """This process's copy of the entries it served lately and of the catalog version, trusted for
    PAGE_CACHE_LOCAL_SECONDS: a hot page then costs no cache round trip (on a 2-core machine the round trip to
    Redis was half the cost of a hit). Another process's data change is seen once that time has passed (a page
    is then at most that many seconds behind, always whole: one version's); this process's own at once. Each entry
    is also checked again in the shared cache after that long, so its PAGE_CACHE_SECONDS still bounds it. Bounded
    by PAGE_CACHE_LOCAL_BYTES, least recently used first out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        with getattr(self, "_lock", threading.Lock()):
            self._version: int | None = None
            self._until = 0.0
            # key -> (entry, deadline): an entry is served locally until its own deadline too, so that a hot page
            # is checked against the shared cache (and its PAGE_CACHE_SECONDS) at least that often.
            self._entries: OrderedDict[str, tuple[tuple, float]] = OrderedDict()
            self._bytes = 0

    def get(self, key: str) -> tuple | None:
        """The entry, if the version is still trusted and the entry was rendered under it."""
        now = time.monotonic()
        with self._lock:
            if self._version is None or now >= self._until:
                return None
            held = self._entries.get(key)
            if held is None or held[0][0] != self._version or now >= held[1]:
                return None
            self._entries.move_to_end(key)
            return held[0]

    def trust(self, version: int, key: str, entry: tuple | None) -> None:
        """`version` was just read from the shared cache, with `entry` (None when it has none): trust it for a
        while and keep the entry if it is current. Versions only go up; an older one (read by a request that
        started before a newer one was trusted) changes nothing."""
        seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if not seconds:
            return
        with self._lock:
            if self._version is not None and version < self._version:
                return
            if version != self._version:
                self._entries.clear()
                self._bytes = 0
            self._version, self._until = version, time.monotonic() + seconds
            self._hold(key, entry)

    def keep(self, version: int, key: str, entry: tuple) -> None:
        """A fresh rendering under `version`: kept if that is still the trusted version, without trusting it for
        any longer (it was read before the rendering began)."""
        if not settings.PAGE_CACHE_LOCAL_SECONDS:
            return
        with self._lock:
            if version == self._version and time.monotonic() < self._until:
                self._hold(key, entry)

    def _hold(self, key: str, entry: tuple | None) -> None:
        if entry is None or entry[0] != self._version:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= _size(old[0])
        self._entries[key] = (entry, time.monotonic() + settings.PAGE_CACHE_LOCAL_SECONDS)
        self._bytes += _size(entry)
        while self._bytes > settings.PAGE_CACHE_LOCAL_BYTES and self._entries:
            _, (dropped, _deadline) = self._entries.popitem(last=False)
            self._bytes -= _size(dropped)


def _size(entry: tuple) -> int:
    return len(entry[1]) + len(entry[2] or b"")


LOCAL = LocalEntries()


def kept_response(key: str, request: HttpRequest) -> tuple[HttpResponse | None, int]:
    """The response kept under `key` if the catalog has not changed since it was rendered, and the current
    version (to keep a fresh rendering under). At most one cache round trip: the version and the entry are read
    together, unless this process has both already (LocalEntries)."""
    entry = LOCAL.get(key)
    if entry is None:
        entries = cache.get_many([VERSION_KEY, key])
        version = entries.get(VERSION_KEY)
        if version is None:
            return None, catalog_version()
        entry = entries.get(key)
        LOCAL.trust(int(version), key, entry)
        if entry is None or entry[0] != int(version):
            return None, int(version)
    _, content, compressed, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    _choose_encoding(response, compressed, request)
    return response, entry[0]


def keep_response(key: str, version: int, response: HttpResponse, seconds: int, request: HttpRequest) -> None:
    """Keep a successful, rendered response for `seconds` under the version read before it was rendered (a
    change committed meanwhile has bumped the version: the entry is stale at once, never wrong). Its ETag and
    gzip form are computed once here, so that serving it again costs no hashing or compressing; this first
    answer is then sent as a kept one would be."""
    if response.status_code != 200 or response.streaming or response.has_header("Content-Encoding"):
        return
    set_response_etag(response)
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    content = response.content
    compressed = compress_string(content) if len(content) >= COMPRESS_FROM_BYTES else None
    cache.set(key, (version, content, compressed, headers), seconds)
    LOCAL.keep(version, key, (version, content, compressed, headers))
    _choose_encoding(response, compressed, request)


def _choose_encoding(response: HttpResponse, compressed: bytes | None, request: HttpRequest) -> None:
    if compressed is None:
        return
    patch_vary_headers(response, ["Accept-Encoding"])
    if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response.content = compressed
        response["Content-Encoding"] = "gzip"
        # As Django's GZipMiddleware does: the compressed bytes differ, so the tag becomes weak.
        if (etag := response.get("ETag", "")).startswith('"'):
            response["ETag"] = "W/" + etag


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a GET from the cache when this catalog version already rendered it (per absolute URL: pages carry
    absolute links, so scheme and host are part of it; and per htmx fragment vs whole page). Only successful
    responses are kept."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if request.method != "GET" or not seconds:
            return view(request, *args, **kwargs)
        fragment = request.headers.get("HX-Request") == "true"
        key = entry_key("page", request_url(request), str(fragment))
        response, version = kept_response(key, request)
        if response is not None:
            response["X-Page-Cache"] = "hit"
        else:
            db_router.recheck_replica()  # what renders now is kept under this version: no lagging replica
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            keep_response(key, version, response, seconds, request)
            response["X-Page-Cache"] = "miss"
        # One URL answers with a whole page or, to htmx, a fragment: shared caches must keep them apart.
        patch_vary_headers(response, ["HX-Request"])
        return response

    return wrapper
