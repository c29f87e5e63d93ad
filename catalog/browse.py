"""The catalog browser: /models/ with search, filters and sorting."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog import selectors

PAGE_SIZE = 50


def model_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:200]
    models = selectors.model_list(search=search)
    page = Paginator(models, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/model_list.html", {"page": page, "search": search})
