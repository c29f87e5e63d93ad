"""Celery entry points of the webhooks: thin wrappers that take ids."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="integrations.fan_out_events")
def fan_out_events(event_ids: list[int]) -> int:
    from integrations import webhooks

    return webhooks.fan_out(event_ids)
