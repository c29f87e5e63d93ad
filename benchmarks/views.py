"""Benchmark pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def benchmark_index(request: HttpRequest) -> HttpResponse:
    return render(request, "benchmarks/index.html", {})
