"""Query-string filters of the benchmarks endpoints; an unknown value is a 400 naming the parameter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from benchmarks.models import Benchmark
from catalog.selectors import lab_choices

BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


class BenchmarkFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(field_name="category", choices=Benchmark.Category.choices)


class ScoreFilter(django_filters.FilterSet):
    lab = django_filters.ChoiceFilter(field_name="model__lab__slug", label="Lab")
    open_weights = django_filters.ChoiceFilter(method="filter_open_weights", choices=BOOLEAN_CHOICES)
    self_reported = django_filters.ChoiceFilter(method="filter_self_reported", choices=BOOLEAN_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["lab"].extra["choices"] = lab_choices()  # 1 query

    def filter_open_weights(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # As on the /models/ page: weights not recorded as open count as not open.
        if value == "true":
            return queryset.filter(model__open_weights=True)
        return queryset.exclude(model__open_weights=True)

    def filter_self_reported(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(self_reported=value == "true")
