"""Running a sync: lock the source, read it (keeping the raw payload), normalize, upsert in one transaction, record.

The catalog changes only inside the upsert's transaction, so a run that fails at any point leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from lib.history import during_sync
from lib.logs import log_context
from providers.invalidation import sync_changed
from providers.models import ChangeEvent, SyncPayload, SyncRun
from providers.sync.known import known_catalog
from providers.sync.screening import screen_batch
from providers.sync.snapshots import read_file
from providers.sync.sources import get_source
from providers.sync.sources.common import unknown_price_keys
from providers.sync.sources.feed import date_in_name
from providers.sync.sources.http import SourceClientError, SourceFetchError, SourceFormatError, source_client
from providers.sync.upsert import Outcome, Tally, apply_batch

logger = logging.getLogger(__name__)
# Its own logger, so Sentry can leave these lines out: a failure's traceback is already an event of its own.
summary_logger = logging.getLogger("providers.sync")

Progress = Callable[[str], None]

__all__ = ["Tally", "apply_batch", "run_sync"]


def _acquire(source_name: str, *, dry_run: bool, triggered_by: str) -> tuple[SyncRun, bool]:
    """Start a run, or return a 'skipped' run when another run of this source holds the lock.

    The lock is a database constraint (one running run per source), so it holds across processes and machines
    on every backend. A run left 'running' by a worker that died is released once it is older than
    SYNC_STALE_AFTER_MINUTES (Celery's hard time limit is shorter, so no live run is that old)."""
    for _ in range(2):
        try:
            with transaction.atomic():
                return SyncRun.objects.create(source=source_name, dry_run=dry_run, triggered_by=triggered_by), True
        except IntegrityError:
            holder = SyncRun.objects.filter(source=source_name, status=SyncRun.Status.RUNNING).first()
            if holder is None:
                continue  # it just finished
            cutoff = timezone.now() - dt.timedelta(minutes=settings.SYNC_STALE_AFTER_MINUTES)
            if holder.started_at >= cutoff:
                skipped = SyncRun.objects.create(
                    source=source_name,
                    dry_run=dry_run,
                    triggered_by=triggered_by,
                    status=SyncRun.Status.SKIPPED,
                    finished_at=timezone.now(),
                    notes=[
                        f"skipped: run {holder.pk} of {source_name} has been running since "
                        f"{holder.started_at:%Y-%m-%d %H:%M:%S} UTC"
                    ],
                )
                return skipped, False
            holder.status, holder.finished_at = SyncRun.Status.FAILED, timezone.now()
            holder.error = f"abandoned: still 'running' after {settings.SYNC_STALE_AFTER_MINUTES} minutes"
            holder.error_kind = SyncRun.ErrorKind.ABANDONED
            holder.save(update_fields=["status", "finished_at", "error", "error_kind"])
            logger.warning(
                "sync run %s of %s abandoned",
                holder.pk,
                source_name,
                extra={"source": source_name, "sync_run_id": holder.pk, "status": holder.status},
            )
    raise RuntimeError(f"could not take the sync lock of {source_name}")


def _keep_payload(run: SyncRun, raw: Any) -> None:
    body = json.dumps(raw, sort_keys=True, default=str).encode()
    SyncPayload.objects.create(
        sync_run=run,
        compressed=gzip.compress(body, compresslevel=6),
        size_bytes=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )


def load_payload(run_id: int) -> Any:
    payload = SyncPayload.objects.get(sync_run_id=run_id)
    return json.loads(gzip.decompress(payload.compressed))


def run_sync(
    source_name: str,
    *,
    dry_run: bool = False,
    triggered_by: str = "command",
    client: httpx.Client | None = None,
    progress: Progress | None = None,
    replay: int | None = None,
    from_file: Path | None = None,
    as_of: dt.date | None = None,
) -> SyncRun:
    """Run one source end to end and return its SyncRun: succeeded, failed (with the cause) or skipped (another
    run of the source was in progress). A source's fault is recorded, never raised, so a scheduler can go on.

    `replay=RUN_ID` re-applies the payload that run kept, instead of reading the source again. `from_file=PATH`
    reads a saved copy of the source instead (providers/sync/snapshots.py), and `as_of` is the date its prices are
    verified on (the file's date; default today)."""
    source = get_source(source_name)
    run, acquired = _acquire(source_name, dry_run=dry_run, triggered_by=triggered_by)
    # Every line logged while the run works (the upsert's, httpx's warnings, a traceback) says which run it is.
    with log_context(source=source_name, sync_run_id=run.pk):
        if acquired:
            _work(run, source, client=client, progress=progress, replay=replay, from_file=from_file, as_of=as_of)
        elif progress is not None:
            progress(f"[{source_name}] {run.notes[0]}")
        log_summary(run)
    return run


def _work(
    run: SyncRun,
    source: Any,
    *,
    client: httpx.Client | None,
    progress: Progress | None,
    replay: int | None,
    from_file: Path | None = None,
    as_of: dt.date | None = None,
) -> None:
    source_name, dry_run = run.source, run.dry_run

    def say(message: str) -> None:
        if progress is not None:
            progress(message)
        # The run's row shows where it is (the admin's sync list), outside the upsert's transaction.
        SyncRun.objects.filter(pk=run.pk).update(stage=message.split("] ", 1)[-1][:200])

    try:
        if replay is not None:
            say(f"[{source_name}] replaying the payload of run {replay}")
            raw = load_payload(replay)
            stated = SyncRun.objects.filter(pk=replay).values_list("source_date", flat=True).first()
        elif from_file is not None:
            say(f"[{source_name}] reading the file {from_file.name}{f' as of {as_of}' if as_of else ''}")
            raw = read_file(source_name, from_file)
            stated = as_of or date_in_name(from_file.name)
        else:
            say(f"[{source_name}] reading: {source.description}")
            raw = _fetch(source, client)
            stated = source.stated_on() if hasattr(source, "stated_on") else None
        if source.needs_network and from_file is None:
            _keep_payload(run, raw)
        # The date the source stated its figures: a dated file's, else today's (never a future one).
        today = timezone.now().date()
        run.source_date = min(stated or today, today)
        say(f"[{source_name}] normalizing")
        known = replace(known_catalog(), as_of=run.source_date)
        batch = screen_batch(source.normalize(raw, known))
        routes = sum(len(m.offerings) for m in batch.models)
        say(
            f"[{source_name}] {len(batch.models)} models, {routes} routes, {len(batch.rejections)} rows rejected, "
            f"{sum(batch.skipped.values())} skipped, {len(batch.unmatched)} unmatched ids; "
            f"writing{' (dry run: nothing is kept)' if dry_run else ''}"
        )
        with transaction.atomic(), during_sync():  # syncs record change events, not per-row history
            outcome = apply_batch(batch, source=source_name, run=run)
            record_bulk_addition(run)
            if dry_run:
                transaction.set_rollback(True)
        _record(run, batch, outcome)
        if from_file is not None:
            run.notes = [f"read from the file {from_file.name}, as of {as_of or known.as_of}", *run.notes]
        run.status = SyncRun.Status.SUCCEEDED
        if not dry_run and (run.created or run.updated or outcome.tally.total("retired")):
            sync_changed(run, outcome.tally.by_kind)  # bulk writes send no signals: the pages they touch are stale
    except Exception as exc:  # recorded, not raised: the catalog keeps its previous state
        logger.exception("sync %s failed", source_name)
        run.status = SyncRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:5000]
        run.error_kind = error_kind(exc)
    run.finished_at = timezone.now()
    run.stage = "finished" if run.status == SyncRun.Status.SUCCEEDED else "failed"
    run.save()


# How the change feed names a source in "312 models added from OpenRouter".
SOURCE_TITLES = {
    "curated": "the curated files",
    "openrouter": "OpenRouter",
    "vercel": "Vercel AI Gateway",
    "modelsdev": "models.dev",
    "litellm": "LiteLLM",
    "epoch": "Epoch AI",
    "metr": "METR",
}


def record_bulk_addition(run: SyncRun) -> ChangeEvent | None:
    """One 'added in bulk' event for a run that added at least CHANGE_GROUP_MIN models and routes (a source's
    first load), which the change feed shows instead of those rows: "312 models and 258 routes added from
    OpenRouter". The rows stay; `/changes/?run=ID` lists them."""
    counts = dict(
        ChangeEvent.objects.filter(
            sync_run=run, kind__in=[ChangeEvent.Kind.MODEL_ADDED, ChangeEvent.Kind.OFFERING_ADDED]
        )
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    models, routes = counts.get(ChangeEvent.Kind.MODEL_ADDED, 0), counts.get(ChangeEvent.Kind.OFFERING_ADDED, 0)
    if models + routes < settings.CHANGE_GROUP_MIN:
        return None
    moment = ChangeEvent.objects.filter(sync_run=run).aggregate(at=Max("occurred_at"))["at"]
    return ChangeEvent.objects.create(**bulk_event_fields(run.source, models, routes), sync_run=run, occurred_at=moment)


def bulk_event_fields(source: str, models: int, routes: int) -> dict[str, object]:
    parts = [f"{n:,} {word}{'s' if n != 1 else ''}" for n, word in ((models, "model"), (routes, "route")) if n]
    what = " and ".join(parts)
    return {
        "kind": ChangeEvent.Kind.BULK_ADDED,
        "summary": f"{what} added from {SOURCE_TITLES.get(source, source)}"[:300],
        "field": "added",
        "new_value": f"{models} models, {routes} routes",
    }


def error_kind(exc: Exception) -> str:
    """What kind of fault failed a run; only an unreachable source is worth another try later."""
    if isinstance(exc, SourceClientError):
        return SyncRun.ErrorKind.REFUSED  # a 4xx (or a host no source names): asking again will not help
    if isinstance(exc, SourceFetchError):
        return SyncRun.ErrorKind.UNREACHABLE
    if isinstance(exc, SourceFormatError):
        return SyncRun.ErrorKind.BAD_ANSWER
    return SyncRun.ErrorKind.OTHER


def log_summary(run: SyncRun) -> None:
    """One line per finished run, its fields named for log search: INFO when it succeeded or was skipped, WARNING
    when the source could not be reached (it is tried again), ERROR when it failed otherwise."""
    if run.status != SyncRun.Status.FAILED:
        level = logging.INFO
    else:
        level = logging.WARNING if run.failed_transiently else logging.ERROR
    duration_ms = round(run.duration.total_seconds() * 1000) if run.duration else None
    fields = {
        "event": "sync_finished",
        "source": run.source,
        "sync_run_id": run.pk,
        "status": run.status,
        "dry_run": run.dry_run,
        "triggered_by": run.triggered_by,
        "duration_ms": duration_ms,
        # A LogRecord has its own `created` (its timestamp), hence the prefix.
        "rows_created": run.created,
        "rows_updated": run.updated,
        "rows_unchanged": run.unchanged,
        "rows_rejected": run.rejected,
    }
    if run.error:
        fields["error"] = run.error[:500]
    summary_logger.log(
        level,
        "sync run %s of %s %s%s: %s created, %s updated, %s unchanged, %s rejected",
        run.pk,
        run.source,
        run.status,
        f" in {duration_ms / 1000:.1f} s" if duration_ms is not None else "",
        run.created,
        run.updated,
        run.unchanged,
        run.rejected,
        extra=fields,
    )


def _fetch(source: Any, client: httpx.Client | None) -> Any:
    if client is not None:
        return source.fetch(client)
    with source_client() as own_client:
        return source.fetch(own_client)


def _record(run: SyncRun, batch: Any, outcome: Outcome) -> None:
    rejections = batch.rejections + outcome.rejections
    tally = outcome.tally
    run.created, run.updated, run.unchanged = (tally.total(k) for k in ("created", "updated", "unchanged"))
    run.rejected = len(rejections)
    run.counts = tally.as_dict()
    run.rejections = [rejection.as_dict() for rejection in rejections]
    run.skipped = dict(sorted(batch.skipped.items()))
    run.partial_failures = dict(sorted(batch.partial_failures.items()))
    run.notes = [*outcome.notes, *batch.identity_notes()]
    if unknown := unknown_price_keys(batch.skipped):
        listed = ", ".join(f"{key} ({n})" for key, n in sorted(unknown.items()))
        run.notes = [*run.notes, f"unknown pricing keys (neither mapped nor listed as skipped): {listed}"]
