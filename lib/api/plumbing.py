"""Plumbing shared by every endpoint of /api/v1/: errors, throttles, pagination, permissions, caching headers.

Endpoints live in each app's `api/` package; this module only holds what they have in common.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from lib import caching, db_router
from lib.api.problems import PROBLEM_CONTENT_TYPE, problem_body
from lib.versions import shared_cache

logger = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is problem details (lib.api.problems): one readable message in `detail` and, for bad input, the
    offending parameters and fields in `errors` ({"min_context": ["Enter a whole number."]}). An exception DRF does
    not know is a 500 in the same shape (logged with its traceback); a database that went away is left to
    lib.middleware.DatabaseUnavailable (503 with Retry-After)."""
    # Imported here: DRF's settings import this module, and rest_framework.views imports DRF's settings.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, OperationalError | InterfaceError):
        return None
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.error("error answering an API request", exc_info=exc)
        response = Response(status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        response.data = problem_body(500, "The server failed to answer this request; the error is logged.")
    else:
        data = response.data
        if isinstance(exc, exceptions.ValidationError):
            errors = data if isinstance(data, dict) else {"non_field_errors": data}
            names = ", ".join(sorted(errors))
            response.data = problem_body(response.status_code, f"Invalid value for: {names}.", errors)
        elif isinstance(data, dict) and "detail" in data:
            response.data = problem_body(response.status_code, str(data["detail"]))
        else:
            response.data = problem_body(response.status_code, str(data))
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


# How deep a JSON body may nest: the deepest the API reads is an object holding a list of strings.
MAX_JSON_DEPTH = 32
# The longest integer literal a body may hold (the largest column is a bigint, 19 digits).
MAX_INTEGER_DIGITS = 40


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise exceptions.ParseError(f"Numbers may have at most {MAX_INTEGER_DIGITS} digits.")
    return int(text)


def _parse_constant(name: str) -> Any:
    raise exceptions.ParseError(f"{name} is not a number JSON allows.")


def check_text(data: Any) -> None:
    """Refuse what no field can hold, walking the parsed body without recursion: nesting deeper than
    MAX_JSON_DEPTH, NUL characters (PostgreSQL refuses them) and lone surrogates (not Unicode text: no answer
    could even echo them back), in keys as in values."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise exceptions.ParseError(f"The body may nest at most {MAX_JSON_DEPTH} levels deep.")
        if isinstance(value, str):
            texts: list[str] = [value]
        elif isinstance(value, dict):
            texts = [key for key in value if isinstance(key, str)]
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            texts = []
            stack.extend((item, depth + 1) for item in value)
        else:
            continue
        for text in texts:
            if "\x00" in text:
                raise exceptions.ParseError("Text may not contain NUL (\\u0000) characters.")
            if SURROGATE.search(text):
                raise exceptions.ParseError("Text may not contain lone surrogates (\\ud800-\\udfff).")


SURROGATE = re.compile("[\ud800-\udfff]")


class StrictJSONParser(JSONParser):
    """JSON bodies as UTF-8, minus what no field of the catalog can hold (see check_text), with integers of sane
    length; any fault is a 400 whose message echoes nothing of the body."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            text = stream.read().decode("utf-8") if stream is not None else ""
        except UnicodeDecodeError:
            raise exceptions.ParseError("The body is not UTF-8 text.") from None
        try:
            data = json.loads(text, parse_int=_parse_int, parse_constant=_parse_constant)
        except RecursionError:
            raise exceptions.ParseError(f"The body may nest at most {MAX_JSON_DEPTH} levels deep.") from None
        except ValueError as error:  # json.JSONDecodeError is one
            if isinstance(error, json.JSONDecodeError):
                raise exceptions.ParseError(
                    f"JSON parse error: {error.msg} (line {error.lineno}, column {error.colno})."
                ) from None
            raise exceptions.ParseError("The body is not JSON the API can read.") from None
        check_text(data)
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


class _Announced:
    """A throttle that tells the client its quota: the IETF RateLimit and RateLimit-Policy fields
    (draft-ietf-httpapi-ratelimit-headers: `RateLimit: limit=120, remaining=119, reset=60`,
    `RateLimit-Policy: 120;w=60`), written on the answer by lib.middleware.api_guard."""

    def allow_request(self, request: Request, view: Any) -> bool:
        allowed: bool = super().allow_request(request, view)  # type: ignore[misc]
        if getattr(self, "key", None) is not None and hasattr(self, "history"):
            limit, window = self.num_requests, self.duration  # type: ignore[attr-defined]
            history: list[float] = self.history  # type: ignore[attr-defined]
            reset = max(0, round(window - (self.now - history[-1]))) if history else window  # type: ignore[attr-defined]
            request._request.rate_limit = (limit, max(0, limit - len(history)), reset, window)  # type: ignore[attr-defined]
        return allowed


class AnonymousThrottle(_Announced, _SettingsRate, AnonRateThrottle):
    setting = "API_ANON_RATE"


class TokenThrottle(_Announced, _SettingsRate, UserRateThrottle):
    """Authenticated clients (staff tokens) get a higher limit of their own. Anonymous clients are left to
    AnonymousThrottle alone: DRF's UserRateThrottle would count them by IP too, under this rate."""

    setting = "API_USER_RATE"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class Pagination(PageNumberPagination):
    """Pages of 50 (`page_size` 1 to 200). A `page` or `page_size` that is not a whole number in range is a 400
    naming it (DRF would fall back to the default size, or answer 404 "Invalid page."); a page past the last one
    is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(value)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list | None:
        value = request.query_params.get(self.page_query_param)
        well_formed = value is None or value in self.last_page_strings
        if not well_formed and not (value.isascii() and value.isdigit() and 1 <= int(value) <= 10**9):
            raise exceptions.ValidationError({self.page_query_param: ["A page number: 1 or more."]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 10**9}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


class ReadOrModelPermissions(BasePermission):
    """Anyone may read. A write needs a signed-in staff account holding the Django model permissions the view
    names for that method in `write_permissions` ({"POST": ("providers.add_offering",)}): the same rights as the
    admin (the Editor group has them; a superuser has all). A write method a view does not name is refused; one it
    does not implement is left to DRF's 405."""

    message = "Writing needs the API token of a staff account with the permission for this change."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        method = (request.method or "").upper()
        if not hasattr(view, method.lower()):
            return True  # DRF answers 405
        needed = getattr(view, "write_permissions", {}).get(method)
        return needed is not None and bool(user.has_perms(needed))


class _Kept(Exception):  # noqa: N818 - carries a kept response past the view, not an error
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class CachingHeadersMixin:
    """Successful reads say how long they may be cached; ConditionalGetMiddleware (lib.middleware's, which also
    answers HEAD) gives them an ETag from the body and answers If-None-Match with a 304. No Last-Modified: the
    newest change event is not when every row in a body last changed (a lab's description is edited without one),
    and a date that is not exact would make If-Modified-Since answer 304 for changed content.

    Anonymous GETs are also kept on the server like rendered pages (lib.caching: per catalog version, full
    URL and negotiated media type, PAGE_CACHE_SECONDS). The lookup comes after DRF's authentication, throttles
    and content negotiation, so a kept answer is still counted, limited and in the format asked for."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._kept_key = None
        if request.method == "GET" and settings.PAGE_CACHE_SECONDS and not request.user.is_authenticated:
            # The absolute URL: answers carry absolute links (pagination, `url`), so scheme and host count.
            key = caching.entry_key("api", caching.request_url(request), request.accepted_media_type or "")
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
        key = getattr(self, "_kept_key", None)
        if key is not None and response.status_code == status.HTTP_200_OK and not response.streaming:
            if isinstance(response, Response):
                response.render()
            caching.keep_response(key, self._kept_version, response, settings.PAGE_CACHE_SECONDS, request)
            response["X-Page-Cache"] = "miss"
        return response
