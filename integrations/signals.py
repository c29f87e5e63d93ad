"""Hears new change events and, once their transaction commits, hands their ids to the webhook fan-out task."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction


def _enqueue(event_ids: list[int]) -> None:
    if event_ids:
        transaction.on_commit(lambda: _fan_out_if_anyone_listens(event_ids))


def _fan_out_if_anyone_listens(event_ids: list[int]) -> None:
    """After the commit: one query, and a task only when some subscription is on (most syncs have no listener)."""
    from integrations.models import WebhookSubscription
    from integrations.tasks import fan_out_events

    if WebhookSubscription.objects.filter(active=True).exists():
        fan_out_events.delay(event_ids)


def on_event_saved(sender: type, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        _enqueue([instance.pk])


def on_events_created(sender: type, events: Iterable[Any] = (), **kwargs: Any) -> None:
    _enqueue([event.pk for event in events if event.pk is not None])
