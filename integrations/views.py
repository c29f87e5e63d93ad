"""The badges: /badges/<lab>/<model>.svg?show=price|context|<benchmark slug>, kept like pages (lib.caching)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from catalog.selectors import model_page
from integrations import badges
from lib.caching import cached_page

SVG = "image/svg+xml; charset=utf-8"


def _svg(badge: badges.Badge, status: int = 200) -> HttpResponse:
    response = HttpResponse(badges.render(badge), content_type=SVG, status=status)
    # README hosts (GitHub's image proxy) cache by these headers; the catalog version keeps our own copy current.
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@cached_page
def badge(request: HttpRequest, lab: str, model: str) -> HttpResponse:
    found = model_page(f"{lab}/{model}")
    if found is None:
        return _svg(badges.Badge("LLM catalog", "unknown model", f"No model {lab}/{model}", found=False), 404)
    show = request.GET.get("show", "price")
    if show == "price":
        return _svg(badges.price_badge(found))
    if show == "context":
        return _svg(badges.context_badge(found))
    made = badges.score_badge(found, show)
    if made is None:
        text = f"show= takes price, context or a benchmark slug, not {show!r}"
        return _svg(badges.Badge(found.name, "unknown figure", text, found=False), 400)
    return _svg(made)
