"""The home page, lab pages, sitemap.xml and robots.txt."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/home.html", {})


def lab_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/lab_list.html", {})


def lab_detail(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404(f"No lab {slug}")


def sitemap(request: HttpRequest) -> HttpResponse:
    return HttpResponse("", content_type="application/xml")


def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("User-agent: *\n", content_type="text/plain")
