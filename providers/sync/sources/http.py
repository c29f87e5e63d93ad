"""Fetching JSON from a source, politely and persistently.

Timeouts, connection errors, 408/425/429 and 5xx are transient: retried with exponential backoff (429 and 503
honour Retry-After, capped), a bounded number of times. Anything else (404, 401, a body that is not JSON) fails at
once. Either way the caller gets one exception that says what happened, and the catalog is untouched.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER_SECONDS = 120.0
# Tests replace this to run retries without waiting (and to record the waits).
sleep: Callable[[float], None] = time.sleep


class SourceFetchError(RuntimeError):
    """The source could not be read (after retries, where retrying made sense)."""


class SourceClientError(SourceFetchError):
    """The source refused the request (a 4xx other than 408/425/429): asking again will not help."""


class SourceHostRefusedError(SourceClientError):
    """A request (or a redirect) to a host that no configured source URL names: never sent."""


class SourceFormatError(ValueError):
    """The source answered, but not with what its adapter understands."""


class _TransientError(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# The settings that name what a sync may read; their hosts (and SYNC_EXTRA_HOSTS) are the only ones it may reach.
SOURCE_URL_SETTINGS = (
    "OPENROUTER_API_URL",
    "VERCEL_GATEWAY_API_URL",
    "MODELSDEV_API_URL",
    "LITELLM_PRICES_URL",
    "EPOCH_BENCHMARKS_URL",
    "METR_RESULTS_URL",
)
USER_AGENT = "llm-catalog-sync/0.1"


def allowed_hosts() -> frozenset[str]:
    """The hosts of the configured source URLs, read now (a test or a replay may point a source elsewhere)."""
    hosts = {(urlsplit(getattr(settings, name)).hostname or "").lower() for name in SOURCE_URL_SETTINGS}
    return frozenset(hosts | set(settings.SYNC_EXTRA_HOSTS)) - {""}


def _only_to(hosts: frozenset[str]) -> Callable[[httpx.Request], None]:
    def check(request: httpx.Request) -> None:
        # httpx calls request hooks for every request it sends, each redirect included.
        host = (request.url.host or "").lower()
        if host not in hosts:
            raise SourceHostRefusedError(
                f"refused {request.method} {request.url}: {host or 'no host'} is not the host of a configured source "
                "URL (add it to SYNC_EXTRA_HOSTS if a source redirects there)"
            )

    return check


def source_client() -> httpx.Client:
    """The client every sync reads through: timeouts, redirects followed, and no host but the sources'."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.SYNC_HTTP_TIMEOUT),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
        event_hooks={"request": [_only_to(allowed_hosts())]},
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (moment - dt.datetime.now(dt.UTC)).total_seconds()
    return max(0.0, min(seconds, MAX_RETRY_AFTER_SECONDS))


_backoff = wait_random_exponential(multiplier=0.5, max=20)


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, _TransientError) and error.retry_after is not None:
        return error.retry_after
    return _backoff(state)


def _get_once(client: httpx.Client, url: str, headers: dict[str, str]) -> httpx.Response:
    try:
        response = client.get(url, headers=headers)
    except httpx.InvalidURL as exc:
        # Built from a source's own text (an id in a path): a bad one fails this request, not the process.
        raise SourceClientError(f"GET {url!r}: not a valid URL ({exc})") from exc
    except httpx.TimeoutException as exc:
        raise _TransientError(f"timed out ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise _TransientError(f"connection failed ({type(exc).__name__}: {exc})") from exc
    if response.status_code in TRANSIENT_STATUS:
        raise _TransientError(f"HTTP {response.status_code}", _retry_after(response))
    if response.status_code >= 400:
        raise SourceClientError(f"GET {url}: HTTP {response.status_code}")
    return response


def get_bytes(
    client: httpx.Client, url: str, *, headers: dict[str, str] | None = None, attempts: int | None = None
) -> bytes:
    """GET `url` and return its body, retrying transient failures."""
    attempts = attempts or settings.SYNC_HTTP_ATTEMPTS
    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=_wait,
        retry=retry_if_exception_type(_TransientError),
        sleep=lambda seconds: sleep(seconds),
        reraise=True,
    )
    try:
        return retrying(_get_once, client, url, headers or {}).content
    except _TransientError as exc:
        raise SourceFetchError(f"GET {url}: gave up after {attempts} attempts: {exc}") from exc


def get_json(
    client: httpx.Client, url: str, *, headers: dict[str, str] | None = None, attempts: int | None = None
) -> Any:
    """GET `url` and parse its JSON body, retrying transient failures."""
    body = get_bytes(client, url, headers=headers, attempts=attempts)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceFormatError(f"GET {url}: the body is not valid JSON ({exc}); {len(body)} bytes received") from None
