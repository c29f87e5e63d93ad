"""The API's one error shape (RFC 9457 problem details, lib/api/problems.py), checked once for every test."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


def details(response: Any) -> dict[str, Any]:
    """The problem's own members (`detail`, `errors`) after checking the standard ones against the response."""
    assert response["Content-Type"] == "application/problem+json", response["Content-Type"]
    body = dict(response.json())
    assert body.pop("type") == "about:blank"
    assert body.pop("status") == response.status_code
    assert body.pop("title") == HTTPStatus(response.status_code).phrase
    return body
