"""The home page, lab pages, the API guide (docs/api*.md rendered in the site's frame), sitemap.xml and robots.txt."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.xmlutils import SimplerXMLGenerator

from benchmarks.selectors import top_scores
from catalog import selectors
from catalog.pages import listings
from lib.caching import cached_page
from providers.selectors import (
    first_party_providers,
    provider_counts,
    provider_sitemap,
)

TOP_SCORES_PER_MODEL = 2


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    lists = listings.home_lists()
    context = {
        "model_count": selectors.catalog_size(),
        "counts": provider_counts(),
        "newest": lists.newest,
        "price_moves": lists.price_moves,
        "price_moves_days": listings.PRICE_MOVES_DAYS,
        "workloads": lists.workloads,
    }
    return render(request, "catalog/home.html", context)


@cached_page
def lab_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/lab_list.html", {"labs": list(selectors.lab_directory())})


@cached_page
def lab_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lab = selectors.lab_page(slug)
    if lab is None:
        raise Http404(f"No lab {slug}")
    models = list(listings.lab_models(lab))
    scores = top_scores([m.pk for m in models], per_model=TOP_SCORES_PER_MODEL)
    rows = [(model, scores.get(model.pk, [])) for model in models]
    context = {
        "lab": lab,
        "rows": rows,
        "own_apis": first_party_providers(lab),
        "priced_count": sum(1 for model in models if model.cheapest_offering_id),
    }
    return render(request, "catalog/lab_detail.html", context)


# Pages with no slug: (URL name, change frequency).
STATIC_PAGES = (
    ("catalog:home", "daily"),
    ("catalog:model-list", "daily"),
    ("catalog:lab-list", "weekly"),
    ("providers:provider-list", "weekly"),
    ("providers:changes", "daily"),
    ("catalog:compare", "monthly"),
    ("catalog:calculator", "monthly"),
    ("benchmarks:index", "weekly"),
)


@cached_page
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every page worth indexing: the static pages, then every model, lab and provider (sitemaps.org 0.9)."""
    entries: list[tuple[str, dt.datetime | None, str]] = [(reverse(name), None, freq) for name, freq in STATIC_PAGES]
    entries += [(_model_path(slug), updated, "weekly") for slug, updated in selectors.model_sitemap()]
    entries += [
        (reverse("catalog:lab-detail", args=[slug]), updated, "weekly") for slug, updated in selectors.lab_sitemap()
    ]
    entries += [
        (reverse("providers:provider-detail", args=[slug]), updated, "weekly") for slug, updated in provider_sitemap()
    ]
    out = StringIO()
    xml = SimplerXMLGenerator(out, "utf-8")
    xml.startDocument()
    xml.startElement("urlset", {"xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    for path, updated, freq in entries:
        xml.startElement("url", {})
        xml.addQuickElement("loc", request.build_absolute_uri(path))
        if updated is not None:
            xml.addQuickElement("lastmod", updated.date().isoformat())
        xml.addQuickElement("changefreq", freq)
        xml.endElement("url")
    xml.endElement("urlset")
    xml.endDocument()
    return HttpResponse(out.getvalue(), content_type="application/xml; charset=utf-8")


@cached_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _model_path(slug: str) -> str:
    lab, model = slug.split("/", 1)
    return reverse("catalog:model-detail", kwargs={"lab": lab, "model": model})


# The API guide's pages: docs/api.md and the two it links to, each at /api/guide/<name>/.
API_GUIDE_PAGES = {"": "api.md", "models": "api/models.md", "providers": "api/providers.md"}
_GUIDE_LINK = re.compile(r"\]\((?:\.\./)?(?:docs/)?api/(models|providers)\.md(#[^)]*)?\)")


def api_guide(request: HttpRequest, page: str = "") -> HttpResponse:
    """docs/api.md (or one of its parts) as a page of the site, its links between parts turned into site links."""
    name = API_GUIDE_PAGES.get(page)
    if name is None:
        raise Http404("No such part of the API guide.")
    text = (settings.BASE_DIR / "docs" / name).read_text(encoding="utf-8")
    text = _GUIDE_LINK.sub(lambda m: f"](/api/guide/{m.group(1)}/{m.group(2) or ''})", text)
    title, _, body = text.partition("\n")
    return render(
        request,
        "api/guide.html",
        {"title": title.lstrip("# ").strip(), "body": body, "pages": API_GUIDE_PAGES, "page": page},
    )
