"""A streamed document kept like the API's answers: the first request under a catalog version streams it as it is
written, and keeps the whole of it (lib.caching: per version, with its ETag and gzip form); later requests under the
same version get the kept copy. A data change bumps the version, so a kept copy is never behind the catalog."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from lib import caching, db_router


def cached_stream(
    request: HttpRequest, name: str, produce: Callable[[], Iterator[str]], content_type: str
) -> HttpResponse | StreamingHttpResponse:
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return StreamingHttpResponse(produce(), content_type=content_type)
    # The documents carry no absolute links: one entry per document, whatever the host.
    key = caching.entry_key("export", name)
    kept, version = caching.kept_response(key, request)
    if kept is not None:
        kept["X-Page-Cache"] = "hit"
        return kept
    db_router.recheck_replica()

    def write_and_keep() -> Iterator[str]:
        pieces = []
        for piece in produce():
            pieces.append(piece)
            yield piece
        whole = HttpResponse("".join(pieces), content_type=content_type)
        caching.keep_response(key, version, whole, seconds, request)

    response = StreamingHttpResponse(write_and_keep(), content_type=content_type)
    response["X-Page-Cache"] = "miss"
    return response
