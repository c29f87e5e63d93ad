"""Query-string filters of the providers endpoints. An unknown value is a 400 naming the parameter (DRF's
DjangoFilterBackend turns the form's errors into a validation error)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from catalog.pages.filters import ChangeFilter
from providers.models import ChangeEvent, Provider
from providers.selectors import change_topic, change_topic_choices

# `ordering`: newest first (the default) or oldest first, which with `after` polls the feed for what is new.
FEED_ORDERINGS = [("-occurred_at", "newest first"), ("occurred_at", "oldest first")]


class MomentField(forms.Field):
    """A date (the whole UTC day) or an ISO 8601 date-time (a zone, or UTC when none is given)."""

    default_error_messages = {"invalid": "A date (YYYY-MM-DD) or an ISO 8601 date-time (2025-01-31T12:00:00Z)."}

    def to_python(self, value: Any) -> dt.date | dt.datetime | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        try:
            moment = parse_datetime(text) if "T" in text or " " in text else None
            day = None if moment else parse_date(text)
        except ValueError:
            moment = day = None
        if moment is not None:
            return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)
        if day is not None:
            return day
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class EventIdField(forms.Field):
    """A change event's id (the feed's cursor): the last id a client has seen."""

    default_error_messages = {"invalid": "A change event id: a whole number, 0 or more."}

    def to_python(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class MomentFilter(django_filters.Filter):
    field_class = MomentField


class EventIdFilter(django_filters.Filter):
    field_class = EventIdField


class ProviderFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(field_name="kind", choices=Provider.Kind.choices, label="Kind")


class ChangeEventFilter(ChangeFilter):
    """The change log page's filters (provider, lab, since: the same code) over every change event, with `kind`
    meaning the event's own kind, `topic` the page's groups (retirement...) and an end date."""

    kind = django_filters.ChoiceFilter(field_name="kind", choices=ChangeEvent.Kind.choices, label="Kind")
    topic = django_filters.ChoiceFilter(method="filter_topic", choices=change_topic_choices(), label="Topic")
    since = MomentFilter(method="filter_since", label="Since")
    until = MomentFilter(method="filter_until", label="Until")
    after = EventIdFilter(method="filter_after", label="After id")
    ordering = django_filters.ChoiceFilter(method="filter_ordering", choices=FEED_ORDERINGS, label="Ordering")
    # Asking for one kind of event lists each row of it, bulk additions included.
    UNGROUPED_BY = (*ChangeFilter.UNGROUPED_BY, "kind")

    def filter_topic(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(change_topic(value))

    def filter_since(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if isinstance(value, dt.datetime):
            return queryset.filter(occurred_at__gte=value)
        return queryset.filter(occurred_at__date__gte=value)

    def filter_until(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if isinstance(value, dt.datetime):
            return queryset.filter(occurred_at__lte=value)
        return queryset.filter(occurred_at__date__lte=value)

    def filter_after(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(id__gt=value)

    def filter_ordering(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "occurred_at":
            return queryset.order_by("occurred_at", "id")
        return queryset.order_by("-occurred_at", "-id")
