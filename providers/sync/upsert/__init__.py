"""The upsert: the only code that writes catalog data from a source.

Natural keys; unchanged rows untouched; a changed price closes its period and opens a new one; a change event for
every change; counts for the sync run. A re-run with the same input writes nothing.

Precedence (docs/sources.md): a curator's value (the curated source, or a field a curator locked) outranks a
first-party source, which outranks an aggregator's second-hand copy. A source never overwrites a value set by a
higher-ranked source, nor one set by another source of equal rank (so two aggregators cannot flip a value back
and forth); when it states something different, the disagreement is recorded for curators instead. A price
change of more than 5x, or one that looks like a unit error, is held for review rather than applied.
"""

from __future__ import annotations

from django.utils import timezone

from providers.models import ChangeEvent, SyncRun
from providers.pricing.summaries import refresh_cheapest_routes
from providers.signals import change_events_created
from providers.sync.records import Batch
from providers.sync.sources import source_rank
from providers.sync.upsert import scores as benchmark_services
from providers.sync.upsert.base import Outcome, Tally, hold_reason
from providers.sync.upsert.catalog import CatalogWrites
from providers.sync.upsert.routes import RouteWrites

__all__ = ["Outcome", "Tally", "apply_batch", "hold_reason"]


class _Upsert(CatalogWrites, RouteWrites):
    """One run's writes, step by step (each step's module says what it writes)."""


def apply_batch(batch: Batch, *, source: str, run: SyncRun | None = None) -> Outcome:
    """Upsert everything in `batch`. Call inside a transaction."""
    upsert = _Upsert(source=source, run=run, now=timezone.now())
    upsert.labs(batch)
    upsert.providers(batch)
    benchmark_services.upsert_benchmarks(
        batch.benchmarks, tally=upsert.tally, defines=upsert.rank >= source_rank("curated")
    )
    models = upsert.models(batch.models)
    upsert.links(batch.models, models)
    offerings = upsert.offerings(batch.models, models)
    upsert.prices(offerings)
    upsert.retire_vanished(batch.models, {offering.pk for offering, _ in offerings})
    upsert.unmatched(batch)
    upsert.events.extend(
        benchmark_services.upsert_scores(
            [(models[record.slug], record.scores) for record in batch.models if record.slug in models],
            source=source,
            tally=upsert.tally,
            run=run,
            now=upsert.now,
        )
    )
    refresh_cheapest_routes(upsert.changed_model_ids())
    ChangeEvent.objects.bulk_create(upsert.events)
    change_events_created.send(sender=ChangeEvent, events=upsert.events)
    return Outcome(upsert.tally, upsert.rejections, upsert.notes)
