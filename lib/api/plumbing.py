"""Plumbing shared by every endpoint of /api/v1/: errors, throttles, pagination, permissions, caching headers.

Endpoints live in each app's `api/` package; this module only holds what they have in common.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.http import http_date
from django.utils.module_loading import import_string
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from lib import caching, db_router
from lib.versions import shared_cache


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is JSON with one readable message in `detail` and, for bad input, the offending parameters
    and fields in `errors` ({"min_context": ["Enter a whole number."]})."""
    # Imported here: DRF's settings import this module, and rest_framework.views imports DRF's settings.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        names = ", ".join(sorted(errors))
        response.data = {"detail": f"Invalid value for: {names}.", "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"detail": str(data["detail"])}
    return response


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class StrictJSONParser(JSONParser):
    """JSON bodies, minus NUL characters: no field of the catalog can hold one (PostgreSQL refuses them)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if _has_nul(data):
            raise exceptions.ParseError("Text may not contain NUL (\\u0000) characters.")
        return data


class _SettingsRate:
    """DRF reads throttle rates once at import; these read them from settings on every request, so operators
    (and tests) can change them. "off" turns the limit off (DRF lets every request through without a rate)."""

    setting = ""

    def get_rate(self) -> str | None:
        rate = getattr(settings, self.setting)
        return None if rate == "off" else rate

    @property
    def cache(self) -> Any:
        """Counted in the cache every process shares (lib/versions.py): without Redis, one client is counted once
        across gunicorn workers, not once per worker."""
        return shared_cache()


class AnonymousThrottle(_SettingsRate, AnonRateThrottle):
    setting = "API_ANON_RATE"


class TokenThrottle(_SettingsRate, UserRateThrottle):
    """Authenticated clients (staff tokens) get a higher limit of their own. Anonymous clients are left to
    AnonymousThrottle alone: DRF's UserRateThrottle would count them by IP too, under this rate."""

    setting = "API_USER_RATE"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ReadOnlyOrStaff(BasePermission):
    """Anyone may read; only authenticated staff may write."""

    message = "Writing needs a staff account's API token."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


def catalog_last_modified() -> float | None:
    """When the catalog last changed, as a timestamp: the function API_LAST_MODIFIED names (settings wire it to an
    app's reads, which this module may not import), or None when unset."""
    if not settings.API_LAST_MODIFIED:
        return None
    return import_string(settings.API_LAST_MODIFIED)()


class _Kept(Exception):  # noqa: N818 - carries a kept response past the view, not an error
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class CachingHeadersMixin:
    """Successful reads say how long they may be cached and when the catalog last changed; with
    ConditionalGetMiddleware (If-None-Match / If-Modified-Since) that gives clients a 304.

    Anonymous GETs are also kept on the server like rendered pages (lib.caching: per catalog version, full
    URL and negotiated media type, PAGE_CACHE_SECONDS). The lookup comes after DRF's authentication, throttles
    and content negotiation, so a kept answer is still counted, limited and in the format asked for."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._kept_key = None
        if request.method == "GET" and settings.PAGE_CACHE_SECONDS and not request.user.is_authenticated:
            # The absolute URL: answers carry absolute links (pagination, `url`), so scheme and host count.
            key = caching.entry_key("api", request.build_absolute_uri(), request.accepted_media_type or "")
            response, self._kept_version = caching.kept_response(key, request)
            if response is not None:
                response["X-Page-Cache"] = "hit"
                raise _Kept(response)
            db_router.recheck_replica()  # what renders now is kept under this version: no lagging replica
            self._kept_key = key

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, _Kept):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if response.has_header("X-Page-Cache"):  # a kept answer has its headers already
            return response
        if request.method in SAFE_METHODS and response.status_code == status.HTTP_200_OK:
            response.setdefault("Cache-Control", f"public, max-age={settings.API_CACHE_SECONDS}")
            if not response.has_header("Last-Modified") and (moment := catalog_last_modified()):
                response["Last-Modified"] = http_date(moment)
        key = getattr(self, "_kept_key", None)
        if key is not None and response.status_code == status.HTTP_200_OK and not response.streaming:
            if isinstance(response, Response):
                response.render()
            caching.keep_response(key, self._kept_version, response, settings.PAGE_CACHE_SECONDS, request)
            response["X-Page-Cache"] = "miss"
        return response


BAD_REQUEST = {
    "description": "The request cannot be read: a bad parameter or body, or NUL characters anywhere in it.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "detail": {"type": "string"},
                    "errors": {"type": "object", "additionalProperties": True},
                },
                "required": ["detail"],
            }
        }
    },
}


def document_bad_requests(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular postprocessing hook: every operation may answer 400 (lib.middleware refuses NUL
    characters in any address, StrictJSONParser in any body), so the schema says so everywhere."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("400", BAD_REQUEST)
    return result
