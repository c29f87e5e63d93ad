"""Writes of benchmarks and scores, called by the sync's upsert service."""

from __future__ import annotations

import datetime as dt

from benchmarks.models import Benchmark, BenchmarkScore
from catalog.models import LanguageModel
from providers.models import ChangeEvent, SyncRun
from providers.sync.records import BenchmarkRecord, ScoreRecord
from providers.sync.upsert.base import Tally

BENCHMARK_FIELDS = ("name", "category", "metric", "scale", "higher_is_better", "url", "description")


def upsert_benchmarks(records: list[BenchmarkRecord], *, tally: Tally, defines: bool = True) -> None:
    """Create benchmarks a source names; change their definitions only from a source that `defines` them (the
    curated registry) — a feed fills in what is missing, so two sources never flip a description back and forth."""
    existing = {b.slug: b for b in Benchmark.objects.filter(slug__in=[r.slug for r in records])}
    for record in records:
        values = {name: getattr(record, name) for name in BENCHMARK_FIELDS if getattr(record, name) is not None}
        benchmark = existing.get(record.slug)
        if benchmark is None:
            Benchmark.objects.create(slug=record.slug, **values)
            tally.add("benchmark", "created")
            continue
        if not defines:
            values = {name: value for name, value in values.items() if getattr(benchmark, name) in (None, "")}
        changed = [name for name, value in values.items() if getattr(benchmark, name) != value]
        for name in changed:
            setattr(benchmark, name, values[name])
        if changed:
            benchmark.save(update_fields=changed)
        tally.add("benchmark", "updated" if changed else "unchanged")


def upsert_scores(
    pairs: list[tuple[LanguageModel, list[ScoreRecord]]],
    *,
    source: str,
    tally: Tally,
    run: SyncRun | None,
    now: dt.datetime,
) -> list[ChangeEvent]:
    """Create or update scores on their natural key (model, benchmark, source, version).

    Returns the change events for the caller to save with the rest of the run's events."""
    pairs = [(model, scores) for model, scores in pairs if scores]  # one per key already: identity.merge_records
    if not pairs:
        return []
    benchmarks = {b.slug: b for b in Benchmark.objects.filter(slug__in={s.benchmark for _, ss in pairs for s in ss})}
    existing = {
        (score.model_id, score.benchmark_id, score.version): score
        for score in BenchmarkScore.objects.filter(model__in=[m.pk for m, _ in pairs], source=source)
    }
    events: list[ChangeEvent] = []
    new: list[BenchmarkScore] = []
    for model, scores in pairs:
        for record in scores:
            benchmark = benchmarks[record.benchmark]
            values = {
                "value": record.value,
                "measured_on": record.measured_on,
                "source_url": record.source_url,
                "self_reported": record.self_reported,
            }
            score = existing.get((model.pk, benchmark.pk, record.version))
            label = f"{benchmark.name}" + (f" ({record.version})" if record.version else "")
            if score is None:
                new.append(
                    BenchmarkScore(model=model, benchmark=benchmark, source=source, version=record.version, **values)
                )
                tally.add("score", "created")
                events.append(
                    ChangeEvent.make(
                        ChangeEvent.Kind.SCORE_ADDED,
                        occurred_at=now,
                        sync_run=run,
                        model=model,
                        field=label,
                        new_value=str(record.value),
                        summary=f"{model.name}: {label} {record.value}",
                    )
                )
                continue
            changed = [name for name, value in values.items() if getattr(score, name) != value]
            if not changed:
                tally.add("score", "unchanged")
                continue
            old_value = score.value
            for name in changed:
                setattr(score, name, values[name])
            score.save(update_fields=[*changed, "updated_at"])
            tally.add("score", "updated")
            if "value" in changed:
                events.append(
                    ChangeEvent.make(
                        ChangeEvent.Kind.SCORE_CHANGED,
                        occurred_at=now,
                        sync_run=run,
                        model=model,
                        field=label,
                        old_value=str(old_value),
                        new_value=str(record.value),
                        summary=f"{model.name}: {label} {old_value} → {record.value}",
                    )
                )
    BenchmarkScore.objects.bulk_create(new)
    return events
