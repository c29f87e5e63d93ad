"""Writes that span rows and apps: running a sync and upserting what a source said.

`apply_batch` is the only code that writes catalog data from a source. It works on natural keys, leaves unchanged
rows untouched, closes a changed price's period and opens a new one, records a change event for every change and
counts everything on the sync run. A re-run with the same input writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.db import transaction
from django.utils import timezone

from benchmarks import services as benchmark_services
from catalog.models import Capability, Lab, LanguageModel, Modality, ModelAlias
from providers.models import ChangeEvent, Offering, Price, Provider, SyncRun
from providers.records import (
    MODEL_M2M_FIELDS,
    MODEL_SCALAR_FIELDS,
    PROVIDER_FIELDS,
    Batch,
    ModelRecord,
    OfferingRecord,
    Rejection,
)
from providers.selectors import known_catalog
from providers.sources import get_source, source_precedence

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
USER_AGENT = "llm-catalog-sync/0.1 (+https://github.com/)"


@dataclass
class Tally:
    """created / updated / unchanged per kind of row."""

    by_kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.by_kind[kind][outcome] += n

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.by_kind.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {kind: dict(sorted(counter.items())) for kind, counter in sorted(self.by_kind.items())}


def run_sync(
    source_name: str,
    *,
    dry_run: bool = False,
    triggered_by: str = "command",
    client: httpx.Client | None = None,
    progress: Progress | None = None,
) -> SyncRun:
    """Run one source end to end and return its SyncRun (status succeeded or failed; never raises for a
    source's fault, so a scheduler can carry on with the next source)."""
    source = get_source(source_name)
    say = progress or (lambda message: None)
    run = SyncRun.objects.create(source=source_name, dry_run=dry_run, triggered_by=triggered_by)
    try:
        say(f"[{source_name}] reading: {source.description}")
        if client is None:
            with httpx.Client(
                timeout=httpx.Timeout(30.0), follow_redirects=True, headers={"User-Agent": USER_AGENT}
            ) as own_client:
                raw = source.fetch(own_client)
        else:
            raw = source.fetch(client)
        say(f"[{source_name}] normalizing")
        batch = source.normalize(raw, known_catalog())
        say(
            f"[{source_name}] {len(batch.models)} models, {sum(len(m.offerings) for m in batch.models)} routes, "
            f"{len(batch.rejections)} rows rejected; writing{' (dry run: nothing is kept)' if dry_run else ''}"
        )
        with transaction.atomic():
            tally, rejections = apply_batch(batch, source=source_name, run=run)
            if dry_run:
                transaction.set_rollback(True)
        all_rejections = batch.rejections + rejections
        run.created, run.updated, run.unchanged = (tally.total(k) for k in ("created", "updated", "unchanged"))
        run.rejected = len(all_rejections)
        run.counts = tally.as_dict()
        run.rejections = [rejection.as_dict() for rejection in all_rejections]
        run.status = SyncRun.Status.SUCCEEDED
    except Exception as exc:  # a failed run is recorded, not raised: the catalog keeps its previous state
        logger.exception("sync %s failed", source_name)
        run.status = SyncRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"
    run.finished_at = timezone.now()
    run.save()
    logger.info(
        "sync run %s of %s %s: %s created, %s updated, %s unchanged, %s rejected",
        run.pk,
        source_name,
        run.status,
        run.created,
        run.updated,
        run.unchanged,
        run.rejected,
    )
    return run


def apply_batch(batch: Batch, *, source: str, run: SyncRun | None = None) -> tuple[Tally, list[Rejection]]:
    """Upsert everything in `batch`. Call inside a transaction."""
    upsert = _Upsert(source=source, run=run, now=timezone.now())
    upsert.labs(batch)
    upsert.providers(batch)
    benchmark_services.upsert_benchmarks(batch.benchmarks, tally=upsert.tally)
    models = upsert.models(batch.models)
    upsert.successors(batch.models, models)
    offerings = upsert.offerings(batch.models, models)
    upsert.prices(offerings)
    upsert.events.extend(
        benchmark_services.upsert_scores(
            [(models[record.slug], record.scores) for record in batch.models if record.slug in models],
            source=source,
            tally=upsert.tally,
            run=run,
            now=upsert.now,
        )
    )
    ChangeEvent.objects.bulk_create(upsert.events)
    return upsert.tally, upsert.rejections


def _changes(obj: Any, values: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Set the attributes of `obj` that differ from `values`; return (field, old, new) for each."""
    changed = []
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            setattr(obj, name, new)
            changed.append((name, old, new))
    return changed


def _given(record: Any, names: Iterable[str]) -> dict[str, Any]:
    """The fields the source actually stated (None means it did not say)."""
    return {name: getattr(record, name) for name in names if getattr(record, name) is not None}


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(str(item) for item in value)
    return str(value)


class _Upsert:
    def __init__(self, *, source: str, run: SyncRun | None, now: dt.datetime) -> None:
        self.source = source
        self.run = run
        self.now = now
        self.rank = source_precedence(source)
        self.tally = Tally()
        self.rejections: list[Rejection] = []
        self.events: list[ChangeEvent] = []
        self.model_outcomes: dict[str, str] = {}

    def event(self, kind: str, summary: str, **fields: Any) -> None:
        self.events.append(ChangeEvent.make(kind, summary, occurred_at=self.now, sync_run=self.run, **fields))

    def _upsert_simple(self, kind: str, model: type[Lab] | type[Provider], records: list, values: Callable) -> None:
        existing = {row.slug: row for row in model.objects.filter(slug__in=[r.slug for r in records])}
        for record in records:
            row = existing.get(record.slug)
            if row is None:
                model.objects.create(slug=record.slug, **values(record))
                self.tally.add(kind, "created")
            elif changed := _changes(row, values(record)):
                row.save(update_fields=[name for name, _, _ in changed] + ["updated_at"])
                self.tally.add(kind, "updated")
            else:
                self.tally.add(kind, "unchanged")

    def labs(self, batch: Batch) -> None:
        self._upsert_simple("lab", Lab, batch.labs, lambda r: _given(r, ("name", "website_url", "description")))

    def providers(self, batch: Batch) -> None:
        labs = {lab.slug: lab for lab in Lab.objects.filter(slug__in={r.lab for r in batch.providers if r.lab})}

        def values(record: Any) -> dict[str, Any]:
            fields = _given(record, PROVIDER_FIELDS)
            fields["lab"] = labs.get(record.lab) if record.lab else None
            return fields

        self._upsert_simple("provider", Provider, batch.providers, values)

    def models(self, records: list[ModelRecord]) -> dict[str, LanguageModel]:
        labs = {lab.slug: lab for lab in Lab.objects.filter(slug__in={r.lab for r in records})}
        existing = {
            model.slug: model
            for model in LanguageModel.objects.filter(slug__in=[r.slug for r in records]).prefetch_related(
                *MODEL_M2M_FIELDS
            )
        }
        modalities = Modality.ensure(
            {m for r in records for m in (r.input_modalities or []) + (r.output_modalities or [])}
        )
        capabilities = Capability.ensure({c for r in records for c in (r.capabilities or [])})
        vocabularies = {
            "input_modalities": modalities,
            "output_modalities": modalities,
            "capabilities": capabilities,
        }

        result: dict[str, LanguageModel] = {}
        for record in records:
            values = _given(record, MODEL_SCALAR_FIELDS)
            model = existing.get(record.slug)
            if model is None:
                model = LanguageModel.objects.create(slug=record.slug, lab=labs[record.lab], **values)
                for name in MODEL_M2M_FIELDS:
                    wanted = getattr(record, name) or []
                    getattr(model, name).set([vocabularies[name][slug] for slug in wanted])
                self.model_outcomes[record.slug] = "created"
                self.event(ChangeEvent.Kind.MODEL_ADDED, f"New model: {model.name} ({model.slug})", model=model)
            else:
                changed = _changes(model, values)
                if model.lab_id != labs[record.lab].pk:
                    changed.append(("lab", model.lab.slug, record.lab))
                    model.lab = labs[record.lab]
                if changed:
                    model.save(update_fields=[name for name, _, _ in changed] + ["updated_at"])
                for name in MODEL_M2M_FIELDS:
                    wanted = getattr(record, name)
                    if wanted is None:
                        continue
                    have = sorted(item.slug for item in getattr(model, name).all())
                    if have != sorted(wanted):
                        getattr(model, name).set([vocabularies[name][slug] for slug in wanted])
                        changed.append((name, have, sorted(wanted)))
                for name, old, new in changed:
                    self.model_changed(model, name, old, new)
                self.model_outcomes[record.slug] = "updated" if changed else "unchanged"
            result[record.slug] = model
        self.aliases(records, result)
        return result

    def model_changed(self, model: LanguageModel, name: str, old: Any, new: Any) -> None:
        self.event(
            ChangeEvent.Kind.MODEL_CHANGED,
            f"{model.name}: {name} {_shown(old) or '-'} → {_shown(new) or '-'}",
            model=model,
            field=name,
            old_value=_shown(old),
            new_value=_shown(new),
        )

    def aliases(self, records: list[ModelRecord], models: dict[str, LanguageModel]) -> None:
        wanted: dict[tuple[str, str], str] = {}
        for record in records:
            for key in record.aliases:
                if wanted.setdefault(key, record.slug) != record.slug:
                    self.rejections.append(
                        Rejection(
                            entry=record.slug,
                            field=f"aliases.{key[0]}",
                            message=f"{key[1]!r} is also given to {wanted[key]} in the same run",
                            file=record.origin,
                        )
                    )
        if not wanted:
            return
        existing = {
            (alias.source, alias.external_id): alias.model_id
            for alias in ModelAlias.objects.filter(external_id__in={key[1] for key in wanted})
        }
        new = []
        for (source, external_id), slug in wanted.items():
            model = models[slug]
            owner = existing.get((source, external_id))
            if owner is None:
                new.append(ModelAlias(model=model, source=source, external_id=external_id))
                self.event(
                    ChangeEvent.Kind.ALIAS_ADDED,
                    f"{model.name} is also known as {source}:{external_id}",
                    model=model,
                    field="alias",
                    new_value=f"{source}:{external_id}",
                )
                self.tally.add("alias", "created")
            elif owner != model.pk:
                self.rejections.append(
                    Rejection(
                        entry=slug,
                        field=f"aliases.{source}",
                        message=f"{external_id!r} already names another model on {source}",
                    )
                )
            else:
                self.tally.add("alias", "unchanged")
        ModelAlias.objects.bulk_create(new)

    def successors(self, records: list[ModelRecord], models: dict[str, LanguageModel]) -> None:
        """Set successors once every model of the batch exists (they may point forward), then count models."""
        targets = {r.successor for r in records if r.successor}
        by_slug = {m.slug: m for m in LanguageModel.objects.filter(slug__in=targets)}
        for record in records:
            if record.successor is None or record.slug not in models:
                continue
            model = models[record.slug]
            successor = by_slug.get(record.successor)
            if successor is None:
                self.rejections.append(
                    Rejection(
                        entry=record.slug,
                        field="successor",
                        message=f"{record.successor!r} is not in the catalog",
                    )
                )
            elif model.successor_id != successor.pk:
                old = model.successor.slug if model.successor_id else ""
                model.successor = successor
                model.save(update_fields=["successor", "updated_at"])
                if self.model_outcomes[record.slug] != "created":
                    self.model_changed(model, "successor", old, successor.slug)
                    self.model_outcomes[record.slug] = "updated"
        for outcome in self.model_outcomes.values():
            self.tally.add("model", outcome)

    def offerings(
        self, records: list[ModelRecord], models: dict[str, LanguageModel]
    ) -> list[tuple[Offering, OfferingRecord]]:
        wanted_providers = {o.provider for r in records for o in r.offerings}
        providers = {p.slug: p for p in Provider.objects.filter(slug__in=wanted_providers)}
        existing = {
            (o.provider_id, o.model_id, o.region, o.quantization): o
            for o in Offering.objects.filter(model__in=[m.pk for m in models.values()])
        }
        result = []
        for record in records:
            model = models.get(record.slug)
            if model is None:
                continue
            for route in record.offerings:
                provider = providers[route.provider]
                values = _given(
                    route,
                    ("provider_model_id", "route_type", "status", "context_window", "max_output_tokens"),
                )
                offering = existing.get((provider.pk, model.pk, route.region, route.quantization))
                if offering is not None:
                    offering.model, offering.provider = model, provider  # spare a query per route later
                if offering is None:
                    offering = Offering.objects.create(
                        model=model,
                        provider=provider,
                        region=route.region,
                        quantization=route.quantization,
                        source=self.source,
                        **values,
                    )
                    self.tally.add("offering", "created")
                    self.event(
                        ChangeEvent.Kind.OFFERING_ADDED,
                        f"{model.name} is now served by {provider.name}",
                        model=model,
                        offering=offering,
                    )
                elif changed := _changes(offering, values):
                    offering.save(update_fields=[name for name, _, _ in changed] + ["updated_at"])
                    self.tally.add("offering", "updated")
                    for name, old, new in changed:
                        self.event(
                            ChangeEvent.Kind.OFFERING_CHANGED,
                            f"{model.name} on {provider.name}: {name} {_shown(old) or '-'} → {_shown(new)}",
                            model=model,
                            offering=offering,
                            field=name,
                            old_value=_shown(old),
                            new_value=_shown(new),
                        )
                else:
                    self.tally.add("offering", "unchanged")
                result.append((offering, route))
        return result

    def prices(self, offerings: list[tuple[Offering, OfferingRecord]]) -> None:
        open_prices: dict[int, dict[tuple[str, str, int], Price]] = defaultdict(dict)
        for price in Price.objects.current().filter(offering__in=[o.pk for o, _ in offerings]):
            open_prices[price.offering_id][(price.component, price.service_tier, price.tier_min_tokens)] = price

        to_create: list[Price] = []
        for offering, route in offerings:
            current = open_prices[offering.pk]
            label = f"{offering.model.name} on {offering.provider.name}"
            for record in route.prices:
                old = current.get(record.key)
                if old is not None and old.source != self.source and source_precedence(old.source) > self.rank:
                    self.tally.add("price", "unchanged")  # a higher-ranked source owns this figure
                    continue
                start = min(record.effective_from or self.now, self.now)
                new = Price(
                    offering=offering,
                    component=record.component,
                    unit=record.unit,
                    usd=record.usd,
                    tier_min_tokens=record.tier_min_tokens,
                    service_tier=record.service_tier,
                    effective_from=start,
                    source=self.source,
                    source_name=record.source_name,
                    source_url=record.source_url,
                    verified_on=record.verified_on,
                    published=record.published,
                    sync_run=self.run,
                )
                what = _price_label(record.component, record.service_tier, record.tier_min_tokens)
                if old is None:
                    to_create.append(new)
                    self.tally.add("price", "created")
                    self.event(
                        ChangeEvent.Kind.PRICE_ADDED,
                        f"{label}: {what} ${record.usd.normalize():f}",
                        model=offering.model,
                        offering=offering,
                        field=what,
                        new_value=str(record.usd),
                    )
                elif old.usd != record.usd or old.unit != record.unit:
                    # History is kept: the old period ends where the new one starts.
                    new.effective_from = start if start > old.effective_from else self.now
                    old.effective_to = new.effective_from
                    old.save(update_fields=["effective_to"])
                    to_create.append(new)
                    self.tally.add("price", "updated")
                    self.event(
                        ChangeEvent.Kind.PRICE_CHANGED,
                        f"{label}: {what} ${old.usd.normalize():f} → ${record.usd.normalize():f}",
                        model=offering.model,
                        offering=offering,
                        field=what,
                        old_value=str(old.usd),
                        new_value=str(record.usd),
                    )
                elif changed := _changes(
                    old,
                    {
                        "source": self.source,
                        "source_name": record.source_name,
                        "source_url": record.source_url,
                        "verified_on": record.verified_on,
                        "published": record.published,
                    },
                ):
                    old.save(update_fields=[name for name, _, _ in changed])  # provenance only, same figure
                    self.tally.add("price", "updated")
                else:
                    self.tally.add("price", "unchanged")
            if route.prices_complete:
                stated = {record.key for record in route.prices}
                for key, old in current.items():
                    if key not in stated and old.source == self.source:
                        old.effective_to = self.now
                        old.save(update_fields=["effective_to"])
                        self.tally.add("price", "updated")
                        what = _price_label(*key)
                        self.event(
                            ChangeEvent.Kind.PRICE_REMOVED,
                            f"{label}: {what} ${old.usd.normalize():f} no longer listed",
                            model=offering.model,
                            offering=offering,
                            field=what,
                            old_value=str(old.usd),
                        )
        Price.objects.bulk_create(to_create)


def _price_label(component: str, service_tier: str, tier_min_tokens: int) -> str:
    label = component.replace("_", " ")
    if service_tier != "standard":
        label += f" ({service_tier})"
    if tier_min_tokens:
        label += f" above {tier_min_tokens:,} tokens"
    return label
