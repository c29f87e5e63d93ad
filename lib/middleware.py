"""Small request guards that apply to every URL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from lib.api.problems import is_api, problem

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Endpoints (URL names) a page on any site may POST to: they compute and write nothing (CORS preflight).
CROSS_ORIGIN_POSTS = frozenset({"api-estimate"})


def _routed(path: str) -> bool:
    """The path names an endpoint, or will once CommonMiddleware has appended its slash (remembered per path for
    the process's life: the URL patterns do not change, and resolving them again cost a kept API answer about a
    fifth of its time)."""
    return _routed_in(settings.ROOT_URLCONF, path)


@lru_cache(maxsize=4096)
def _routed_in(urlconf: str, path: str) -> bool:
    for candidate in (path, path + "/") if not path.endswith("/") else (path,):
        try:
            resolve(candidate, urlconf)
        except Resolver404:
            continue
        return True
    return False


def api_guard(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """What /api/ refuses or repairs before any view or middleware reads the request, each in the API's one error
    shape (lib.api.problems) where Django would answer an HTML page:

    - a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE: 413, before a byte of it is read;
    - more query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS: 400;
    - a write to an endpoint without its trailing slash (`POST /api/v1/estimate`): routed to the endpoint, since
      the redirect CommonMiddleware would send (301) makes clients repeat a POST as a GET."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if not is_api(request):
            return get_response(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem(400, "Content-Length is not a number.")
        if limit is not None and length > limit:
            return problem(413, f"The body may be at most {limit:,} bytes.")
        try:
            request.GET  # noqa: B018 - parsed now, so that too many parameters are refused here
        except TooManyFieldsSent:
            return problem(
                400, f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} query parameters are read; send fewer."
            )
        if request.method not in SAFE_METHODS and not request.path_info.endswith("/"):
            try:
                resolve(request.path_info + "/")
            except Resolver404:
                pass
            else:
                request.path_info += "/"
                request.path += "/"
        if not _routed(request.path_info):
            # Here rather than in handler404, which DEBUG replaces with its HTML page.
            return problem(404, f"No API endpoint at {request.path}. The endpoints are listed at /api/v1/.")
        response = get_response(request)
        if quota := getattr(request, "rate_limit", None):
            limit, remaining, reset, window = quota
            response["RateLimit"] = f"limit={limit}, remaining={remaining}, reset={reset}"
            response["RateLimit-Policy"] = f"{limit};w={window}"
        if request.method == "OPTIONS" and response.has_header("Access-Control-Allow-Methods"):
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name in CROSS_ORIGIN_POSTS:
                response["Access-Control-Allow-Methods"] = ", ".join((*settings.CORS_ALLOW_METHODS, "POST"))
        return response

    return middleware


def refuse_nul_characters(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A NUL character (%00) in the path or the query string can be nothing we store, and PostgreSQL refuses it in a
    query: answer 400 at once rather than let a lookup fail with a 500."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for value in request.GET.values())
        ):
            message = "The address may not contain NUL (%00) characters."
            if is_api(request):
                return problem(400, message)
            return HttpResponseBadRequest(message, content_type="text/plain")
        return get_response(request)

    return middleware


# How long a client should wait before trying again when the database is away (a restart or fail-over takes seconds).
DATABASE_RETRY_AFTER_SECONDS = 5


class DatabaseUnavailable:
    """The database went away (a restart, a fail-over, a network cut): answer 503 with Retry-After, JSON under
    /api/ and a plain page elsewhere, instead of a 500 with a traceback in the log for every request.

    Django drops a connection that raised once it proves unusable (CONN_HEALTH_CHECKS), so the first request after
    the database is back reconnects: no restart needed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # One line per request (psycopg's messages span several): an outage under load logs a great many.
        logger.warning("database unavailable, answering 503 to %s: %s", request.path, " ".join(str(exception).split()))
        if is_api(request):
            response: HttpResponse = problem(
                503, "The catalog's database is unavailable for a moment. Please retry shortly."
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


class ConditionalGetMiddleware(DjangoConditionalGetMiddleware):
    """Django's (an ETag from the body, 304 for a matching If-None-Match), for HEAD as for GET: a HEAD is a GET
    without the body, so it carries the same validators (Django's only looks at GETs)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.method != "HEAD":
            return super().process_response(request, response)
        request.method = "GET"
        try:
            return super().process_response(request, response)
        finally:
            request.method = "HEAD"


def lockout_retry_after(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """django-axes answers a locked-out sign-in with a 429 and no Retry-After: say how long the lockout lasts."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
            if cooloff is not None:
                response["Retry-After"] = str(int(cooloff.total_seconds()))
        return response

    return middleware
