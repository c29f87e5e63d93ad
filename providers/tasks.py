"""Celery entry points: thin wrappers that take source names and call the sync service."""

from __future__ import annotations

from celery import Task, group, shared_task
from django.db import transaction

# The worker imports each app's `tasks` module only (autodiscover_tasks): a task defined elsewhere is known to it
# through here, or its messages are discarded as unregistered (the rewarm's were, until `bench aftersync` ran one).
from providers.rewarm import rewarm
from providers.sync.run import run_sync
from providers.sync.sources import live_sources

# A source that could not be reached is tried again later; one that answered nonsense is not (it would again).
TRANSIENT_RETRIES = 3
RETRY_DELAY_SECONDS = 300


@shared_task(name="providers.sync_source", bind=True, acks_late=True, max_retries=TRANSIENT_RETRIES)
def sync_source(self: Task, source_name: str, triggered_by: str = "task", replay: int | None = None) -> int:
    run = run_sync(source_name, triggered_by=triggered_by, replay=replay)
    if run.failed_transiently and self.request.retries < TRANSIENT_RETRIES:
        raise self.retry(countdown=RETRY_DELAY_SECONDS * (2**self.request.retries))
    return run.pk


@shared_task(name="providers.sync_all")
def sync_all(triggered_by: str = "beat") -> list[str]:
    """One task per live source, so a failing source never blocks the others."""
    names = live_sources()
    group(sync_source.s(name, triggered_by) for name in names).apply_async()
    return names


def enqueue_sync(source_name: str, *, triggered_by: str = "task", replay: int | None = None) -> None:
    """Enqueue a sync once the current transaction commits (never a half-committed request's view); with
    `replay`, the sync re-applies that run's kept payload instead of reading the source."""
    transaction.on_commit(lambda: sync_source.delay(source_name, triggered_by, replay))


__all__ = ["enqueue_sync", "rewarm", "sync_all", "sync_source"]
