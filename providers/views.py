"""Provider pages and the change log."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


def provider_list(request: HttpRequest) -> HttpResponse:
    return render(request, "providers/provider_list.html", {})


def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404(f"No provider {slug}")


def changes(request: HttpRequest) -> HttpResponse:
    return render(request, "providers/changes.html", {})
