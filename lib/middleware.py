"""Small request guards that apply to every URL."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


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
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
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
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": "The catalog's database is unavailable for a moment. Please retry shortly."}, status=503
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
