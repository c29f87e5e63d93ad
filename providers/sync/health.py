"""The operations page's view of the syncs: each source's last success and any later failure, beside the
price freshness and review queues that the providers app reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from providers.models import SyncRun
from providers.selectors import price_freshness, review_queue_counts
from providers.sync.sources import REGISTRY


@dataclass(frozen=True)
class SourceHealth:
    """A source's last successful run, and its last failed run when that came after."""

    source: str
    live: bool
    last_success: SyncRun | None
    failed_since: SyncRun | None
    now: dt.datetime

    @property
    def age(self) -> dt.timedelta | None:
        if self.last_success is None or self.last_success.finished_at is None:
            return None
        return self.now - self.last_success.finished_at

    @property
    def overdue(self) -> bool:
        """A live source that beat should have synced twice since its last success (or never has)."""
        if not self.live:
            return False
        age = self.age
        return age is None or age > dt.timedelta(hours=2 * settings.SYNC_EVERY_HOURS)


def sync_health(*, now: dt.datetime | None = None) -> list[SourceHealth]:
    """Every registered source, in `sync all` order, with its last success and any later failure: 1 query.

    "Last" is the most recently started run (the highest id) of each status; dry runs wrote nothing and count
    for neither."""

    def latest(status: str) -> QuerySet:
        return (
            SyncRun.objects.filter(status=status, dry_run=False)
            .order_by()
            .values("source")
            .annotate(latest=Max("pk"))
            .values("latest")
        )

    runs = SyncRun.objects.filter(
        Q(pk__in=latest(SyncRun.Status.SUCCEEDED)) | Q(pk__in=latest(SyncRun.Status.FAILED))
    ).defer("rejections", "counts", "notes", "skipped", "partial_failures")
    succeeded: dict[str, SyncRun] = {}
    failed: dict[str, SyncRun] = {}
    for run in runs:
        (succeeded if run.status == SyncRun.Status.SUCCEEDED else failed)[run.source] = run
    now = now or timezone.now()
    rows = []
    for name, source in REGISTRY.items():
        success, failure = succeeded.get(name), failed.get(name)
        # A finished run (succeeded or failed) always has its finished_at.
        if failure is not None and success is not None and (failure.finished_at or now) <= (success.finished_at or now):
            failure = None
        rows.append(SourceHealth(name, source.needs_network, success, failure, now))
    return rows


def operations_overview() -> dict[str, Any]:
    """Everything the operations page shows: 6 queries whatever the number of sources and providers (sync runs,
    providers with their price freshness, and the 4 review queue counts)."""
    return {
        "sources": sync_health(),
        "providers": price_freshness(),
        "queues": review_queue_counts(),
        "stale_days": settings.PRICE_STALE_DAYS,
    }
