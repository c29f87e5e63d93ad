"""Celery entry points: thin wrappers that take names or ids and call a service."""

from celery import shared_task
from django.db import transaction

from providers.services import run_sync


@shared_task(name="providers.sync_source", acks_late=True)
def sync_source(source_name: str, triggered_by: str = "task") -> int:
    return run_sync(source_name, triggered_by=triggered_by).pk


def enqueue_sync(source_name: str, *, triggered_by: str = "task") -> None:
    """Enqueue a sync once the current transaction commits (never a half-committed request's view)."""
    transaction.on_commit(lambda: sync_source.delay(source_name, triggered_by))
