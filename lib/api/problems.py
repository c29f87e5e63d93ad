"""The one error shape of /api/: RFC 9457 problem details (`application/problem+json`).

Every error under /api/ - a bad parameter, a missing object, a method not allowed, a body too large, a throttle, a
crash, the database away - is a JSON object with `type`, `title`, `status` and a readable `detail`; a 400 for bad
input adds `errors` ({parameter or field: [messages]}). This module builds them for code outside DRF's views
(middleware, the site's error handlers); lib.api.plumbing.exception_handler gives DRF's errors the same form.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
# No problem type of our own has a page: "about:blank" says the status code is the whole story (RFC 9457 4.2.1).
PROBLEM_TYPE = "about:blank"
API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def problem_body(status: int, detail: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem(status: int, detail: str, errors: dict[str, Any] | None = None, **headers: str) -> JsonResponse:
    """A problem-details answer; `headers` are added as they are (Retry_After -> Retry-After)."""
    response = JsonResponse(problem_body(status, detail, errors), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response
