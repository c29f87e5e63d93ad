"""Query-string filters of the providers endpoints. An unknown value is a 400 naming the parameter (DRF's
DjangoFilterBackend turns the form's errors into a validation error)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from catalog.pages.filters import ChangeFilter
from providers.models import ChangeEvent, Provider
from providers.selectors import change_topic, change_topic_choices


class ProviderFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(field_name="kind", choices=Provider.Kind.choices, label="Kind")


class ChangeEventFilter(ChangeFilter):
    """The change log page's filters (provider, lab, since: the same code) over every change event, with `kind`
    meaning the event's own kind, `topic` the page's groups (retirement...) and an end date."""

    kind = django_filters.ChoiceFilter(field_name="kind", choices=ChangeEvent.Kind.choices, label="Kind")
    topic = django_filters.ChoiceFilter(method="filter_topic", choices=change_topic_choices(), label="Topic")
    until = django_filters.DateFilter(method="filter_until", label="Until")
    # Asking for one kind of event lists each row of it, bulk additions included.
    UNGROUPED_BY = (*ChangeFilter.UNGROUPED_BY, "kind")

    def filter_topic(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(change_topic(value))

    def filter_until(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(occurred_at__date__lte=value)
