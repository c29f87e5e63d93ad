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
from lib.api.plumbing import ReadOnlyOrStaff

ERROR_DESCRIPTIONS = {
    400: "Invalid parameters or fields: `errors` names each one with its messages.",
    401: "Writing needs a staff account's API token (Authorization: Token <key>).",
    403: "The token's account is not staff.",
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
    """drf-spectacular only knows DRF's own permission classes: with ReadOnlyOrStaff, say that reads need no
    credentials (an empty security requirement) while writes need a token."""

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        read_only_or_staff = any(isinstance(p, ReadOnlyOrStaff) for p in self.view.get_permissions())
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
