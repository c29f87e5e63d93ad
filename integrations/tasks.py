"""Celery entry points of the webhooks: thin wrappers that take ids and call integrations.webhooks."""

from __future__ import annotations

import time

from celery import Task, shared_task
from django.db import transaction

# In-process Celery (no broker: development, most tests) waits this long at most between attempts; a delivery that
# must wait longer is left "retrying" for the periodic sweep.
EAGER_MAX_WAIT_SECONDS = 1.0


@shared_task(name="integrations.fan_out_events", acks_late=True)
def fan_out_events(event_ids: list[int]) -> int:
    from integrations import webhooks

    created = webhooks.fan_out(event_ids)
    enqueue_deliveries(created)
    return len(created)


@shared_task(name="integrations.deliver_webhook", bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self: Task, delivery_id: int) -> None:
    from integrations import webhooks

    wait = webhooks.attempt(delivery_id)
    while wait is not None and self.request.is_eager and wait <= EAGER_MAX_WAIT_SECONDS:
        time.sleep(wait)
        wait = webhooks.attempt(delivery_id)
    if wait is not None and not self.request.is_eager:
        raise self.retry(countdown=wait)


@shared_task(name="integrations.retry_due_webhooks")
def retry_due_webhooks() -> int:
    """Beat: enqueue deliveries whose retry is overdue (a worker lost, or in-process Celery's long waits)."""
    from integrations import webhooks

    due = webhooks.overdue()
    enqueue_deliveries(due)
    return len(due)


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """One delivery task per id, once the current transaction (if any) commits."""
    for pk in delivery_ids:
        transaction.on_commit(lambda pk=pk: deliver_webhook.delay(pk))
