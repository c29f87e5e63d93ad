"""Provider pages and the change log."""

from __future__ import annotations

from collections import Counter

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.pages.filters import ChangeFilter
from catalog.selectors import lab_choices
from lib.caching import cached_page
from providers import selectors
from providers.models import Provider

CHANGES_PAGE_SIZE = 50
KIND_NAMES = {
    Provider.Kind.FIRST_PARTY: ("first-party API", "first-party APIs"),
    Provider.Kind.CLOUD: ("cloud", "clouds"),
    Provider.Kind.INFERENCE_HOST: ("inference host", "inference hosts"),
    Provider.Kind.GATEWAY: ("gateway or router", "gateways and routers"),
}


@cached_page
def provider_list(request: HttpRequest) -> HttpResponse:
    providers = list(selectors.provider_directory())
    counts = Counter(p.kind for p in providers)
    kinds = [(counts[kind], one if counts[kind] == 1 else many) for kind, (one, many) in KIND_NAMES.items()]
    return render(request, "providers/provider_list.html", {"providers": providers, "kinds": kinds})


@cached_page
def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    provider = selectors.provider_page(slug)
    if provider is None:
        raise Http404(f"No provider {slug}")
    routes = list(selectors.provider_routes(provider))
    live = [route for route in routes if route.status != route.Status.RETIRED]
    context = {
        "provider": provider,
        "routes": routes,
        "model_count": len({route.model_id for route in live}),
        "cheapest_count": sum(1 for route in live if route.cheapest_route_id == route.pk),
    }
    return render(request, "providers/provider_detail.html", context)


@cached_page
def changes(request: HttpRequest) -> HttpResponse:
    labs, providers = lab_choices(), selectors.provider_choices()
    filters = ChangeFilter(request.GET, labs=labs, providers=providers)
    context: dict = {"filters": filters, "form": filters.form, "feed_query": request.GET.urlencode()}
    if not filters.is_valid():
        context["errors"] = [
            (str(filters.form.fields[name].label) if name in filters.form.fields else "Filters", list(messages))
            for name, messages in filters.form.errors.items()
        ]
        return render(request, "providers/changes.html", context, status=400)
    page = Paginator(filters.qs, CHANGES_PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(page=page, active=filters.active_filters())
    return render(request, "providers/changes.html", context)
