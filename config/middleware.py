"""Small request guards that apply to every URL."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse


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
