"""Rendered pages and anonymous API answers are cached under the versions of what they show: tags.

A page depends on named things, found from its URL (`depends_on`): a model's page and API answers on
`model:<lab>/<model>`, a lab's on `lab:<slug>`, a provider's on `provider:<slug>`; every other page (home, lists,
compare, calculator, benchmarks, the change feed) on `lists`; and all of them on `everything`. Each tag's value in
the shared cache (lib/versions.py) is a token that a change touching it replaces; an entry is kept with the tokens
read before it was rendered and served only while they are all still current. So a price change of one model makes
its page, its API answers, its lab's and providers' pages and every list cold, and leaves the other models' pages
warm (providers/invalidation.py says which tags a change touches; admin and API edits through model signals, syncs
with the models their change events name). What a page shows of other models (peer bars, alternatives) can lag
until PAGE_CACHE_SECONDS. Every change also moves the catalog version (in-memory indexes, the replica check: with
a read replica a page is rendered from it only once it has replayed the change, lib/db_router.py).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.text import compress_string

from lib import db_router
from lib.versions import VERSION_KEY, catalog_version, next_version, shared_cache

__all__ = ["VERSION_KEY", "catalog_version"]

T = TypeVar("T")

# Rows whose changes do not change what a page shows.
BOOKKEEPING_MODELS = frozenset({"syncrun", "syncpayload", "unmatchedid"})
WATCHED_APPS = frozenset({"catalog", "providers", "benchmarks"})

EVERYTHING = "everything"  # every entry depends on it: a change nothing narrower describes
LISTS = "lists"  # every page that is not one model's, one lab's or one provider's

# URL names of the pages about one lab / one provider (pages and API); a URL with `lab` and `model` arguments is
# one model's (its page, API detail, prices, price history).
LAB_PAGES = frozenset({"lab-detail", "api-lab-detail"})
PROVIDER_PAGES = frozenset({"provider-detail", "api-provider-detail"})


def model_tag(slug: str) -> str:
    return f"model:{slug}"


def lab_tag(slug: str) -> str:
    return f"lab:{slug}"


def provider_tag(slug: str) -> str:
    return f"provider:{slug}"


def tag_key(tag: str) -> str:
    return f"tag:{tag}"


def depends_on(request: Any) -> tuple[str, ...]:
    """The tags a page or API answer depends on, from its resolved URL (`everything` comes on top)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return (LISTS,)
    kwargs = match.kwargs
    if "lab" in kwargs and "model" in kwargs:
        return (model_tag(f"{kwargs['lab']}/{kwargs['model']}"),)
    if match.url_name in LAB_PAGES and "slug" in kwargs:
        return (lab_tag(kwargs["slug"]),)
    if match.url_name in PROVIDER_PAGES and "slug" in kwargs:
        return (provider_tag(kwargs["slug"]),)
    return (LISTS,)


def _token() -> str:
    return f"{time.time_ns():x}.{secrets.token_hex(4)}"


def bump_tags(tags: Iterable[str]) -> None:
    """Now: every entry depending on one of `tags` is stale, and the catalog version moves on."""
    tokens = {tag_key(tag): _token() for tag in set(tags)}
    if tokens:
        shared_cache().set_many(tokens, timeout=None)
    version = next_version()
    LOCAL.forget()  # after the bump: this process sees its own change at once
    db_router.note_primary_position(version)


def bump_catalog_version() -> None:
    """Every cached page and API answer is stale now (a change nothing narrower describes)."""
    bump_tags([EVERYTHING])


def bump_after_commit() -> None:
    transaction.on_commit(bump_catalog_version)


def stamp_of(tags: Iterable[str]) -> tuple[str, ...]:
    """The current tokens of `everything` and `tags` (a tag never set gets one now), and the files' stamp."""
    return _current(shared_cache(), [EVERYTHING, *tags], {})


# Files pages read from disk as they render (not through a sync), each named by a function returning its path:
# apps add theirs in AppConfig.ready (providers: the curated gateways file).
PAGE_FILES: list[Callable[[], Any]] = []


def read_by_pages(path_of: Callable[[], Any]) -> None:
    """Make `path_of()`'s file part of every kept entry's stamp."""
    if path_of not in PAGE_FILES:
        PAGE_FILES.append(path_of)


def files_stamp() -> str:
    """When the files pages read besides the database last changed: part of every entry's stamp, so an edited file
    makes every kept page stale as soon as a process sees the new file, with no sync or signal to tell it."""
    stamps = []
    for path_of in PAGE_FILES:
        try:
            stamps.append(str(os.stat(path_of()).st_mtime_ns))  # noqa: PTH116 - a Path per call costs a hit 1%
        except OSError:
            stamps.append("-")
    return "files:" + ",".join(stamps)


def _current(shared: Any, tags: list[str], read: dict[str, Any]) -> tuple[str, ...]:
    keys = [tag_key(tag) for tag in tags]
    missing = [key for key in keys if read.get(key) is None]
    if missing:
        for key in missing:  # first use (or evicted): a fresh token, so no entry kept before can match
            shared.add(key, _token(), timeout=None)
        read = {**read, **shared.get_many(missing)}
    return (*(str(read.get(key)) for key in keys), files_stamp())


def _read(key: str, tags: tuple[str, ...]) -> tuple[tuple[str, ...], tuple | None]:
    """The current stamp of `tags` and the entry kept under `key`: one round trip when the shared cache is the
    page cache (Redis), else one to each."""
    shared = shared_cache()
    names = [EVERYTHING, *tags]
    keys = [tag_key(tag) for tag in names]
    if settings.SHARED_CACHE_ALIAS == "default":
        read = cache.get_many([key, *keys])
        entry = read.pop(key, None)
    else:
        entry = cache.get(key)
        read = shared.get_many(keys)
    return _current(shared, names, read), entry


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
    """This process's copy of the entries it served lately, each trusted for PAGE_CACHE_LOCAL_SECONDS after its
    tags were last read from the shared cache: a hot page then costs no cache round trip (on a 2-core machine the
    round trip to Redis was half the cost of a hit). Another process's data change is seen once that time has
    passed; this process's own at once (`forget`, and a read that began before it is not kept). Bounded by
    PAGE_CACHE_LOCAL_BYTES, least recently used first out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.generation = 0
        self.forget()

    def forget(self) -> None:
        with self._lock:
            self.generation += 1
            # key -> (entry, deadline)
            self._entries: OrderedDict[str, tuple[tuple, float]] = OrderedDict()
            self._bytes = 0

    def get(self, key: str) -> tuple | None:
        """The entry, if it was checked against the shared cache less than PAGE_CACHE_LOCAL_SECONDS ago."""
        now = time.monotonic()
        with self._lock:
            held = self._entries.get(key)
            if held is None or now >= held[1]:
                return None
            self._entries.move_to_end(key)
            return held[0]

    def hold(self, key: str, entry: tuple, read_at: float, generation: int) -> None:
        """`entry` was current when its tags were read at `read_at`: trust it until PAGE_CACHE_LOCAL_SECONDS after
        that (a rendering extends no trust), unless this process changed data since (`generation`)."""
        seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if not seconds:
            return
        with self._lock:
            if generation != self.generation:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= _size(old[0])
            self._entries[key] = (entry, read_at + seconds)
            self._bytes += _size(entry)
            while self._bytes > settings.PAGE_CACHE_LOCAL_BYTES and self._entries:
                _, (dropped, _deadline) = self._entries.popitem(last=False)
                self._bytes -= _size(dropped)


def _size(entry: tuple) -> int:
    return len(entry[1]) + len(entry[2] or b"")


LOCAL = LocalEntries()


class Stamp(tuple):
    """The tokens of an entry's tags as read before rendering it, and when and in which generation of this
    process's copy they were read."""

    read_at: float
    generation: int


def _stamp(tokens: tuple[str, ...], read_at: float, generation: int) -> Stamp:
    stamp = Stamp(tokens)
    stamp.read_at, stamp.generation = read_at, generation
    return stamp


def kept_response(key: str, request: HttpRequest) -> tuple[HttpResponse | None, Stamp]:
    """The response kept under `key` if nothing it depends on changed since it was rendered, and the stamp to keep
    a fresh rendering under. At most one cache round trip with Redis (the tags and the entry are read together),
    none when this process has the entry already (LocalEntries)."""
    tags = depends_on(request)
    entry = LOCAL.get(key)
    if entry is not None and entry[0][-1] != files_stamp():  # a file edit is seen at once, as the process's own
        entry = None
    if entry is None:
        generation, read_at = LOCAL.generation, time.monotonic()
        tokens, entry = _read(key, tags)
        stamp = _stamp(tokens, read_at, generation)
        if entry is None or tuple(entry[0]) != tokens:
            return None, stamp
        LOCAL.hold(key, entry, read_at, generation)
    else:
        stamp = _stamp(tuple(entry[0]), time.monotonic(), LOCAL.generation)
    _, content, compressed, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    _choose_encoding(response, compressed, request)
    return response, stamp


def keep_response(key: str, stamp: Stamp, response: HttpResponse, seconds: int, request: HttpRequest) -> None:
    """Keep a successful, rendered response for `seconds` under the stamp read before it was rendered (a change
    committed meanwhile has replaced a token: the entry is stale at once, never wrong). Its ETag and gzip form are
    computed once here, so that serving it again costs no hashing or compressing; this first answer is then sent
    as a kept one would be."""
    if response.status_code != 200 or response.streaming or response.has_header("Content-Encoding"):
        return
    set_response_etag(response)
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    content = response.content
    compressed = compress_string(content) if len(content) >= COMPRESS_FROM_BYTES else None
    entry = (tuple(stamp), content, compressed, headers)
    cache.set(key, entry, seconds)
    LOCAL.hold(key, entry, stamp.read_at, stamp.generation)
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


def per_version(build: Callable[[], T]) -> Callable[[], T]:
    """`build()`'s result kept in this process for as long as the catalog version stays the same: summaries every
    request would otherwise read again (filter vocabularies, benchmark standings). Costs one shared-cache read
    per call; rebuilt on the first call after any change. settings.VERSION_MEMO off (the tests) builds every time.
    The result is shared between requests: it must not be changed by its callers."""
    held: list[tuple[int, T]] = []
    lock = threading.Lock()

    @wraps(build)
    def current() -> T:
        if not settings.VERSION_MEMO:
            return build()
        version = catalog_version()
        if held and held[0][0] == version:
            return held[0][1]
        with lock:
            if held and held[0][0] == version:
                return held[0][1]
            db_router.recheck_replica()  # kept under this version: never built from a lagging replica
            value = build()
            held[:] = [(version, value)]
            return value

    return current
