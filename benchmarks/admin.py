"""Curating benchmarks and scores (history per object, revertible)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from benchmarks.models import Benchmark, BenchmarkScore
from config.admin import HTTPS_URLS


@admin.register(Benchmark)
class BenchmarkAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug", "category", "metric", "scale", "higher_is_better"]
    list_filter = ["category", "scale"]
    search_fields = ["name", "slug"]


@admin.register(BenchmarkScore)
class BenchmarkScoreAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["model", "benchmark", "value", "version", "measured_on", "self_reported", "source"]
    list_filter = ["benchmark", "self_reported", "source"]
    search_fields = ["model__name", "model__slug", "benchmark__name"]
    autocomplete_fields = ["model"]
    list_select_related = ["model", "benchmark"]
