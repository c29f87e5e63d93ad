"""Compare 2-4 models side by side: /compare/?models=a,b."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def compare(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/compare.html", {})
