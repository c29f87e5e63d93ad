"""What the providers and benchmarks endpoints share beyond lib/api/plumbing.py: the schema class, documented error
responses, and curation's validation errors as a 400."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS

from lib.api.fields import ErrorSerializer
from lib.api.plumbing import ReadOrModelPermissions

ERROR_DESCRIPTIONS = {
    400: "Invalid parameters or fields: `errors` names each one with its messages.",
    401: "Writing needs a staff account's API token (Authorization: Token <key>).",
    403: "The token's account lacks the model permission this write needs (as in the admin: the Editor group).",
    404: "No such object.",
}
PAGE_NOT_FOUND = "No such page: `page` is beyond the last one."


def errors(*codes: int, **descriptions: str) -> dict[int, OpenApiResponse]:
    """Documented error responses, all with the JSON body of lib.api.plumbing.exception_handler; `not_found` describes
    a 404 other than the default."""
    described = {**ERROR_DESCRIPTIONS, **({404: descriptions["not_found"]} if "not_found" in descriptions else {})}
    return {code: OpenApiResponse(ErrorSerializer, description=described[code]) for code in codes}


def list_errors(**descriptions: str) -> dict[int, OpenApiResponse]:
    """A paginated list's errors: a bad filter value, and a page past the end."""
    return errors(400, 404, not_found=descriptions.get("not_found", PAGE_NOT_FOUND))


WRITE_ERRORS = (400, 401, 403)


class ApiSchema(AutoSchema):
    """drf-spectacular only knows DRF's own permission classes: with ReadOrModelPermissions, say that reads need no
    credentials (an empty security requirement) while writes need a token."""

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        read_only_or_staff = any(isinstance(p, ReadOrModelPermissions) for p in self.view.get_permissions())
        if read_only_or_staff and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


def id_parameter(what: str) -> OpenApiParameter:
    return OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=f"the {what}'s id")


def parse_id(value: str, what: str) -> int:
    """A row id from the URL; anything else (or an id no database column holds) is a 404 naming it."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    raise exceptions.NotFound(f"No {what} {value}.")


def parse_slug(value: str, what: str) -> str:
    """A slug from the URL; one no slug could be (a NUL, which PostgreSQL cannot even compare) is a 404."""
    if "\x00" in value:
        raise exceptions.NotFound(f"No {what} {value!r}.")
    return value


@contextmanager
def curation_errors() -> Iterator[None]:
    """A curation rule's ValidationError ({field: message}) as a 400 naming the same fields."""
    try:
        yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise exceptions.ValidationError(error.message_dict) from error
        raise exceptions.ValidationError({"non_field_errors": error.messages}) from error


# --- what every operation may answer (a drf-spectacular postprocessing hook) -------------------------------------

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details: every error of the API has this shape.",
    "properties": {
        "type": {"type": "string", "description": "always about:blank: the status says what kind of problem"},
        "title": {"type": "string", "description": "the status code's phrase"},
        "status": {"type": "integer", "description": "the HTTP status code"},
        "detail": {"type": "string", "description": "what went wrong, in words"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "for a 400: {parameter or field: [messages]}",
        },
    },
    "required": ["type", "title", "status", "detail"],
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _header(description: str, schema: dict | None = None, *, required: bool = False) -> dict[str, Any]:
    return {"description": description, "schema": schema or {"type": "string"}, "required": required}


RATE_LIMIT_HEADERS = {
    "RateLimit": _header("the client's remaining quota: `limit=120, remaining=119, reset=60` (IETF draft)"),
    "RateLimit-Policy": _header("the quota: `120;w=60` (120 requests a 60-second window)"),
    "X-Request-ID": _header("this request's id, as in the server's logs"),
}
READ_HEADERS = {
    "ETag": _header("the body's validator (not on the streamed export): send it back as If-None-Match for a 304"),
    "Last-Modified": _header("when the data in the body last changed, where the API can tell exactly"),
    "Cache-Control": _header("how long the answer may be kept"),
    **RATE_LIMIT_HEADERS,
}
RETRY_AFTER = {"Retry-After": _header("seconds to wait", {"type": "integer"}, required=True)}
COMMON_ERRORS = {
    "400": "The request cannot be read: a bad parameter, body or header (`errors` names each bad one).",
    "404": "No such object, page or endpoint.",
    "405": "The endpoint does not take this method.",
    "406": "No answer in a media type the Accept header allows.",
    "429": "Too many requests: wait Retry-After seconds.",
    "500": "The server failed; the error is logged with the request id.",
    "503": "The database is away for a moment: retry after Retry-After seconds.",
}
BODY_ERRORS = {
    "413": "The body is larger than 2.5 MB.",
    "415": "The body is not JSON (Content-Type: application/json).",
}
WRITE_ERRORS_DOCUMENTED = {
    "401": "Writing needs an API token (Authorization: Token <key>).",
    "403": "The token's account lacks the permission this write needs (the same as in the admin).",
}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


def document_common_responses(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """What every operation may answer, stated once: errors as problem details (application/problem+json), the
    throttle (429), the database away (503), bodies too large; reads are public (an empty security requirement) and
    carry ETag, Last-Modified and RateLimit headers, with 304 for a conditional request."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            safe = method.upper() in SAFE_METHODS
            public_post = safe or any(not requirement for requirement in operation.get("security", []))
            for code, description in COMMON_ERRORS.items():
                responses.setdefault(code, _problem_response(description))
            if not safe:
                for code, description in BODY_ERRORS.items():
                    responses.setdefault(code, _problem_response(description))
            if not public_post:
                for code, description in WRITE_ERRORS_DOCUMENTED.items():
                    responses.setdefault(code, _problem_response(description))
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    description = response.get("description", "")
                    responses[code] = _problem_response(description)
            responses["429"]["headers"] = dict(RETRY_AFTER)
            responses["503"]["headers"] = dict(RETRY_AFTER)
            for code, response in responses.items():
                if code.startswith("2"):
                    headers = READ_HEADERS if safe else RATE_LIMIT_HEADERS
                    response["headers"] = {**headers, **response.get("headers", {})}
            if safe:
                responses.setdefault(
                    "304",
                    {
                        "description": "Not modified: the If-None-Match or If-Modified-Since still holds.",
                        "headers": {"ETag": READ_HEADERS["ETag"]},
                    },
                )
                security = operation.get("security")
                if security is not None and {} not in security:
                    security.append({})
    return result
