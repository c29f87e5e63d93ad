"""The catalog browser: /models/ with search, filters and sorting.

Every choice lives in the URL (a GET form), so a filtered list can be shared and the back button works. With
JavaScript the form updates the results in place (htmx sends HX-Request and gets only the results fragment);
without it the same form reloads the page.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from catalog.pages.filters import ActiveFilter, ModelFilter
from catalog.pages.listings import browse_rows
from lib.caching import cached_page

PAGE_SIZE = 50


@cached_page
def model_list(request: HttpRequest) -> HttpResponse:
    fragment = request.headers.get("HX-Request") == "true"
    if not fragment and _has_blank_values(request.GET):
        # A plain form submits every field, empty or not: send the reader to the short, shareable URL.
        return HttpResponseRedirect(f"{request.path}{_without_blanks(request.GET)}")
    filters = ModelFilter(request.GET)
    context: dict = {"filters": filters, "form": filters.form, "fragment": fragment}
    status = 200
    if not filters.is_valid():
        status = 400
        context.update(page=None, errors=_errors(filters), page_title="Invalid filter", search="")
    else:
        search = filters.form.cleaned_data.get("q") or ""
        page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = browse_rows(page.object_list)  # flat rows, no model instances
        active = filters.active_filters()
        context.update(
            page=page,
            search=search,
            search_result=filters.search_result,
            active=active,
            sort_benchmark=filters.sort_benchmark,
            page_title=_title(search, active),
        )
        if page.paginator.count == 0 and active:
            context["culprits"] = _culprits(filters, active)
    template = "catalog/_browse_results.html" if fragment else "catalog/model_list.html"
    response = render(request, template, context, status=status)
    # One URL, two bodies (page or fragment): caches between here and the browser must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _culprits(filters: ModelFilter, active: list[ActiveFilter]) -> list[tuple[ActiveFilter, int]]:
    """For an empty list: how many models each filter's removal alone would bring back (1 count per filter)."""
    return [(item, filters.with_vocabulary(filters.data_without(item.name)).qs.count()) for item in active]


def _errors(filters: ModelFilter) -> list[tuple[str, list[str]]]:
    fields = filters.form.fields
    return [
        (str(fields[name].label) if name in fields else "Filters", list(messages))
        for name, messages in filters.form.errors.items()
    ]


def _title(search: str, active: list[ActiveFilter]) -> str:
    if search and len(active) == 1:
        return f"Models matching “{search}”"
    if active:
        return "Models: " + "; ".join(item.text for item in active)
    return "All models"


def _has_blank_values(query: QueryDict) -> bool:
    return any(not value.strip() for _, values in query.lists() for value in values)


def _without_blanks(query: QueryDict) -> str:
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        for value in values:
            if value.strip():
                kept.appendlist(key, value)
    return f"?{kept.urlencode()}" if kept else ""
