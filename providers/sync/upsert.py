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

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from catalog.models import Capability, Lab, LanguageModel, Modality, ModelAlias
from providers.models import (
    ChangeEvent,
    Disagreement,
    HeldChange,
    Offering,
    Price,
    Provider,
    SyncRun,
    UnmatchedId,
)
from providers.pricing.summaries import refresh_cheapest_routes
from providers.sync import scores as benchmark_services
from providers.sync.records import (
    MODEL_M2M_FIELDS,
    MODEL_SCALAR_FIELDS,
    PROVIDER_FIELDS,
    Batch,
    ModelRecord,
    OfferingRecord,
    PriceRecord,
    Rejection,
    UnmatchedRecord,
)
from providers.sync.sources import source_rank

# Model facts whose disagreement between sources is worth a curator's look.
DISPUTED_FACTS = frozenset({"context_window", "max_output_tokens", "knowledge_cutoff", "release_date"})
PRICE_DISAGREEMENT = Decimal("0.05")  # relative difference above which two sources' prices disagree
HOLD_RATIO = Decimal(5)  # a change larger than this factor is held for review
UNIT_JUMPS = (Decimal(100), Decimal(1000), Decimal(1_000_000))  # cents, per-1K vs per-1M, per-token vs per-1M
RETIREMENT_GUARD = Decimal("0.10")  # more than this share of a source's routes vanishing aborts retirement


@dataclass
class Tally:
    """created / updated / unchanged (and held) per kind of row."""

    by_kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.by_kind[kind][outcome] += n

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.by_kind.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {kind: dict(sorted(counter.items())) for kind, counter in sorted(self.by_kind.items())}


@dataclass
class Outcome:
    tally: Tally
    rejections: list[Rejection]
    notes: list[str]


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
    return Outcome(upsert.tally, upsert.rejections, upsert.notes)


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


def _same(name: str, current: Any, new: Any) -> bool:
    """Equal facts, allowing for precision: a cutoff of 2023-10 and one of 2023-10-31 say the same thing."""
    if name == "knowledge_cutoff" and isinstance(current, str) and isinstance(new, str) and current and new:
        return current.startswith(new) or new.startswith(current)
    return current == new


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def price_label(component: str, service_tier: str, tier_min_tokens: int) -> str:
    label = component.replace("_", " ")
    if service_tier != "standard":
        label += f" ({service_tier})"
    if tier_min_tokens:
        label += f" above {tier_min_tokens:,} tokens"
    return label


def hold_reason(old: Decimal, new: Decimal) -> str:
    """Why a change from `old` to `new` must wait for a curator, or "" when it may apply."""
    if old <= 0 or new <= 0:
        return ""
    ratio = max(old, new) / min(old, new)
    for jump in UNIT_JUMPS:
        if abs(ratio - jump) / jump < Decimal("0.02"):
            return f"looks like a unit error: x{jump.normalize():f}"
    if ratio > HOLD_RATIO:
        return f"changes by more than {HOLD_RATIO}x (x{ratio:.1f})"
    return ""


class _Upsert:
    def __init__(self, *, source: str, run: SyncRun | None, now: dt.datetime) -> None:
        self.source = source
        self.run = run
        self.now = now
        self.rank = source_rank(source)
        self.tally = Tally()
        self.rejections: list[Rejection] = []
        self.notes: list[str] = []
        self.events: list[ChangeEvent] = []
        self.model_outcomes: dict[str, str] = {}
        self.disagreements: dict[tuple[int, str], Disagreement] | None = None

    # --- helpers -------------------------------------------------------------------------------------------

    def changed_model_ids(self) -> set[int] | None:
        """The models whose cheapest route this run may have changed: every change is an event naming its model
        or route. None (all of them) when a provider changed, since a provider's kind breaks price ties."""
        if self.tally.by_kind.get("provider", Counter())["updated"]:
            return None
        ids = {event.model_id for event in self.events if event.model_id}
        ids.update(event.offering.model_id for event in self.events if event.offering_id)
        return ids

    def event(self, kind: str, summary: str, **fields: Any) -> None:
        self.events.append(ChangeEvent.make(kind, summary, occurred_at=self.now, sync_run=self.run, **fields))

    def disagree(
        self,
        model: LanguageModel,
        label: str,
        kept: Any,
        kept_source: str,
        other: Any,
        offering: Offering | None = None,
    ) -> None:
        """Record (or refresh) an open disagreement between what is kept and what this source says."""
        if self.disagreements is None:
            self.disagreements = {
                (d.model_id, d.field): d
                for d in Disagreement.objects.filter(other_source=self.source, status=Disagreement.Status.OPEN)
            }
        existing = self.disagreements.get((model.pk, label))
        kept_text, other_text = _shown(kept)[:200], _shown(other)[:200]
        if existing is None:
            self.disagreements[(model.pk, label)] = Disagreement.objects.create(
                model=model,
                offering=offering,
                field=label[:200],
                kept_value=kept_text,
                kept_source=kept_source,
                other_value=other_text,
                other_source=self.source,
                first_seen_at=self.now,
                last_seen_at=self.now,
                sync_run=self.run,
            )
            self.tally.add("disagreement", "created")
        elif (existing.kept_value, existing.other_value, existing.kept_source) != (kept_text, other_text, kept_source):
            existing.kept_value, existing.other_value, existing.kept_source = kept_text, other_text, kept_source
            existing.last_seen_at, existing.sync_run = self.now, self.run
            existing.save(update_fields=["kept_value", "other_value", "kept_source", "last_seen_at", "sync_run"])
            self.tally.add("disagreement", "updated")

    def _upsert_simple(self, kind: str, model: type[Lab] | type[Provider], records: list, values: Callable) -> None:
        """Labs and providers: created by any source; their descriptive fields changed only by a source that
        ranks at least as high as the curated files (feeds only fill in what is missing)."""
        existing = {row.slug: row for row in model.objects.filter(slug__in=[r.slug for r in records])}
        for record in records:
            row = existing.get(record.slug)
            wanted = values(record)
            if row is None:
                existing[record.slug] = model.objects.create(slug=record.slug, **wanted)
                self.tally.add(kind, "created")
                continue
            if self.rank < source_rank("curated"):
                wanted = {k: v for k, v in wanted.items() if _empty(getattr(row, k))}
            if changed := _changes(row, wanted):
                row.save(update_fields=[name for name, _, _ in changed] + ["updated_at"])
                self.tally.add(kind, "updated")
            else:
                self.tally.add(kind, "unchanged")

    # --- labs, providers ---------------------------------------------------------------------------------

    def labs(self, batch: Batch) -> None:
        self._upsert_simple("lab", Lab, batch.labs, lambda r: _given(r, ("name", "website_url", "description")))

    def providers(self, batch: Batch) -> None:
        labs = {lab.slug: lab for lab in Lab.objects.filter(slug__in={r.lab for r in batch.providers if r.lab})}

        def values(record: Any) -> dict[str, Any]:
            fields = _given(record, PROVIDER_FIELDS)
            if record.lab:
                fields["lab"] = labs.get(record.lab)
            return fields

        self._upsert_simple("provider", Provider, batch.providers, values)

    # --- models ------------------------------------------------------------------------------------------

    def may_set(self, model: LanguageModel, name: str, current: Any, new: Any) -> bool:
        """Whether this source may change fact `name` of `model` from `current` to `new`; records a
        disagreement when it may not and the values differ."""
        if name in model.locked_fields:
            if not _same(name, current, new) and name in DISPUTED_FACTS | {"name"}:
                self.disagree(model, name, current, "curator lock", new)
            return False
        if _empty(current):
            return True
        owner = model.field_sources.get(name)
        if owner == self.source:
            return True
        # A fact whose source is not recorded was set before provenance was kept: treat it as curated.
        owner_rank = source_rank(owner) if owner else source_rank("curated")
        if self.rank > owner_rank:
            return True
        if not _same(name, current, new) and name in DISPUTED_FACTS:
            self.disagree(model, name, current, owner or "curated", new)
        return False

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
        vocabularies = {"input_modalities": modalities, "output_modalities": modalities, "capabilities": capabilities}

        result: dict[str, LanguageModel] = {}
        for record in records:
            values = _given(record, MODEL_SCALAR_FIELDS)
            model = existing.get(record.slug)
            if model is None:
                values.setdefault("name", record.slug.split("/", 1)[1])
                model = LanguageModel.objects.create(
                    slug=record.slug,
                    lab=labs[record.lab],
                    field_sources=dict.fromkeys(
                        [*values, *(n for n in MODEL_M2M_FIELDS if getattr(record, n))], self.source
                    ),
                    **values,
                )
                for name in MODEL_M2M_FIELDS:
                    wanted = set(getattr(record, name) or [])
                    if name == "capabilities":
                        wanted -= set(record.capabilities_denied)
                    getattr(model, name).set([vocabularies[name][slug] for slug in sorted(wanted)])
                self.model_outcomes[record.slug] = "created"
                self.event(ChangeEvent.Kind.MODEL_ADDED, f"New model: {model.name} ({model.slug})", model=model)
                result[record.slug] = model
                continue

            changed: list[tuple[str, Any, Any]] = []
            stamped = False
            for name, new in values.items():
                current = getattr(model, name)
                if not self.may_set(model, name, current, new):
                    continue
                if model.field_sources.get(name) != self.source:
                    model.field_sources[name] = self.source
                    stamped = True
                if current != new:
                    setattr(model, name, new)
                    changed.append((name, current, new))
            if model.lab_id != labs[record.lab].pk and self.rank >= source_rank("curated"):
                changed.append(("lab", model.lab.slug, record.lab))
                model.lab = labs[record.lab]
            for name in MODEL_M2M_FIELDS:
                given = getattr(record, name)
                if given is None:
                    continue
                have = sorted(item.slug for item in getattr(model, name).all())
                if name == "capabilities" and record.capabilities_mode == "merge":
                    wanted = sorted((set(have) | set(given)) - set(record.capabilities_denied))
                else:
                    wanted = sorted(given)
                if not self.may_set(model, name, have, wanted):
                    continue
                if model.field_sources.get(name) != self.source:
                    model.field_sources[name] = self.source
                    stamped = True
                if have != wanted:
                    getattr(model, name).set(
                        [vocabularies[name][slug] for slug in wanted if slug in vocabularies[name]]
                    )
                    changed.append((name, have, wanted))
            if changed or stamped:
                fields = {name for name, _, _ in changed} - set(MODEL_M2M_FIELDS)
                model.save(update_fields=[*fields, "field_sources", "updated_at"])
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
        # An id a curator has mapped (or that now resolves) leaves the unmatched queue.
        resolved = [external_id for source, external_id in wanted if source == self.source]
        UnmatchedId.objects.filter(source=self.source, external_id__in=resolved, status=UnmatchedId.Status.OPEN).update(
            status=UnmatchedId.Status.MAPPED
        )

    def links(self, records: list[ModelRecord], models: dict[str, LanguageModel]) -> None:
        """Successors and snapshot links, once every model of the batch exists (they may point forward); then
        count the models."""
        targets = {r.successor for r in records if r.successor} | {r.snapshot_of for r in records if r.snapshot_of}
        by_slug = {m.slug: m for m in LanguageModel.objects.filter(slug__in=targets)}
        for record in records:
            model = models.get(record.slug)
            if model is None:
                continue
            for attribute, slug in (("successor", record.successor), ("snapshot_of", record.snapshot_of)):
                if not slug:
                    continue
                target = by_slug.get(slug)
                if target is None:
                    self.rejections.append(
                        Rejection(entry=record.slug, field=attribute, message=f"{slug!r} is not in the catalog")
                    )
                    continue
                if getattr(model, f"{attribute}_id") == target.pk:
                    continue
                if attribute == "successor" and not self.may_set(model, "successor", model.successor_id, target.pk):
                    continue
                old = getattr(model, attribute).slug if getattr(model, f"{attribute}_id") else ""
                setattr(model, attribute, target)
                model.save(update_fields=[attribute, "updated_at"])
                if self.model_outcomes[record.slug] != "created":
                    self.model_changed(model, attribute, old, target.slug)
                    self.model_outcomes[record.slug] = "updated"
        for outcome in self.model_outcomes.values():
            self.tally.add("model", outcome)

    # --- offerings -----------------------------------------------------------------------------------------

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
                provider = providers.get(route.provider)
                if provider is None:
                    self.rejections.append(
                        Rejection(
                            entry=record.external_id or record.slug,
                            field="provider",
                            message=f"unknown provider {route.provider!r}",
                        )
                    )
                    continue
                values = _given(
                    route, ("provider_model_id", "route_type", "status", "context_window", "max_output_tokens")
                )
                measured = _given(route, ("throughput_tps", "latency_p50_ms", "uptime_pct"))
                offering = existing.get((provider.pk, model.pk, route.region, route.quantization))
                if offering is None:
                    offering = Offering.objects.create(
                        model=model,
                        provider=provider,
                        region=route.region,
                        quantization=route.quantization,
                        source=self.source,
                        **values,
                        **measured,
                    )
                    existing[(provider.pk, model.pk, route.region, route.quantization)] = offering
                    self.tally.add("offering", "created")
                    self.event(
                        ChangeEvent.Kind.OFFERING_ADDED,
                        f"{model.name} is now served by {provider.name}",
                        model=model,
                        offering=offering,
                    )
                    result.append((offering, route))
                    continue
                offering.model, offering.provider = model, provider  # spare a query per route later
                owner_rank = source_rank(offering.source, provider.slug)
                my_rank = source_rank(self.source, provider.slug)
                if offering.source != self.source and my_rank <= owner_rank:
                    # Another source of equal or higher rank describes this route (equal: the first one keeps
                    # it, so two aggregators never flip it back and forth); measurements still count.
                    values = {}
                elif offering.source != self.source:
                    values["source"] = self.source
                changed = _changes(offering, values)
                measured_changed = _changes(offering, measured)
                if changed or measured_changed:
                    offering.save(update_fields=[n for n, _, _ in changed + measured_changed] + ["updated_at"])
                self.tally.add("offering", "updated" if changed else "unchanged")
                for name, old, new in changed:
                    if name == "source":
                        continue
                    self.event(
                        ChangeEvent.Kind.OFFERING_CHANGED,
                        f"{model.name} on {provider.name}: {name} {_shown(old) or '-'} → {_shown(new)}",
                        model=model,
                        offering=offering,
                        field=name,
                        old_value=_shown(old),
                        new_value=_shown(new),
                    )
                result.append((offering, route))
        return result

    def retire_vanished(self, records: list[ModelRecord], seen: set[int]) -> None:
        """Routes this source created and no longer lists are retired (never deleted), unless so many would go
        at once that the source itself is more likely broken than the routes gone."""
        owned = Offering.objects.filter(source=self.source).exclude(status=Offering.Status.RETIRED)
        protected_models = [r.slug for r in records if not r.routes_complete]
        vanished = list(
            owned.exclude(pk__in=seen).exclude(model__slug__in=protected_models).select_related("model", "provider")
        )
        if not vanished:
            return
        total = owned.count()
        if Decimal(len(vanished)) > RETIREMENT_GUARD * total:
            self.notes.append(
                f"retirement skipped: {len(vanished)} of {total} routes from {self.source} vanished at once "
                f"(more than {RETIREMENT_GUARD:.0%}); a partial or empty feed is more likely than real retirements"
            )
            return
        for offering in vanished:
            offering.status = Offering.Status.RETIRED
            offering.save(update_fields=["status", "updated_at"])
            closed = Price.objects.current().filter(offering=offering, source=self.source).update(effective_to=self.now)
            self.tally.add("offering", "retired")
            self.event(
                ChangeEvent.Kind.OFFERING_CHANGED,
                f"{offering.model.name} on {offering.provider.name}: retired (no longer listed by {self.source}"
                f"{f'; {closed} prices closed' if closed else ''})",
                model=offering.model,
                offering=offering,
                field="status",
                old_value="active",
                new_value="retired",
            )

    # --- prices --------------------------------------------------------------------------------------------

    def prices(self, offerings: list[tuple[Offering, OfferingRecord]]) -> None:
        open_prices: dict[int, dict[tuple[str, str, int], Price]] = defaultdict(dict)
        for price in Price.objects.current().filter(offering__in=[o.pk for o, _ in offerings]):
            open_prices[price.offering_id][(price.component, price.service_tier, price.tier_min_tokens)] = price
        pending = {
            (h.offering_id, h.component, h.service_tier, h.tier_min_tokens): h
            for h in HeldChange.objects.filter(
                offering__in=[o.pk for o, _ in offerings], source=self.source, status=HeldChange.Status.PENDING
            )
        }
        to_create: list[Price] = []
        for offering, route in offerings:
            current = open_prices[offering.pk]
            my_rank = source_rank(self.source, offering.provider.slug)
            for record in route.prices:
                old = current.get(record.key)
                if old is not None and old.source != self.source:
                    owner_rank = source_rank(old.source, offering.provider.slug)
                    if my_rank <= owner_rank:
                        # The figure belongs to a source that ranks at least as high: keep it, note a disagreement.
                        self._price_disagreement(offering, record, old)
                        self.tally.add("price", "unchanged")
                        continue
                new_price = self._price_row(offering, record)
                if old is None:
                    to_create.append(new_price)
                    self.tally.add("price", "created")
                    self.event(
                        ChangeEvent.Kind.PRICE_ADDED,
                        f"{offering.model.name} on {offering.route_label}: {self._what(record)} ${_shown(record.usd)}",
                        model=offering.model,
                        offering=offering,
                        field=self._what(record),
                        new_value=str(record.usd),
                    )
                elif old.usd != record.usd or old.unit != record.unit:
                    reason = "" if self.rank >= source_rank("curated") else hold_reason(old.usd, record.usd)
                    if reason:
                        self._hold(offering, record, old, reason, pending)
                        continue
                    # History is kept: the old period ends where the new one starts.
                    new_price.effective_from = (
                        new_price.effective_from if new_price.effective_from > old.effective_from else self.now
                    )
                    old.effective_to = new_price.effective_from
                    old.save(update_fields=["effective_to"])
                    to_create.append(new_price)
                    self.tally.add("price", "updated")
                    self.event(
                        ChangeEvent.Kind.PRICE_CHANGED,
                        f"{offering.model.name} on {offering.route_label}: {self._what(record)} "
                        f"${_shown(old.usd)} → ${_shown(record.usd)}",
                        model=offering.model,
                        offering=offering,
                        field=self._what(record),
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
                self._close_unlisted(offering, route, current)
        Price.objects.bulk_create(to_create)

    def _what(self, record: PriceRecord) -> str:
        return price_label(record.component, record.service_tier, record.tier_min_tokens)

    def _price_row(self, offering: Offering, record: PriceRecord) -> Price:
        return Price(
            offering=offering,
            component=record.component,
            unit=record.unit,
            usd=record.usd,
            tier_min_tokens=record.tier_min_tokens,
            service_tier=record.service_tier,
            effective_from=min(record.effective_from or self.now, self.now),
            source=self.source,
            source_name=record.source_name,
            source_url=record.source_url,
            verified_on=record.verified_on,
            published=record.published,
            sync_run=self.run,
        )

    def _price_disagreement(self, offering: Offering, record: PriceRecord, kept: Price) -> None:
        high = max(kept.usd, record.usd)
        if high and abs(kept.usd - record.usd) / high > PRICE_DISAGREEMENT:
            label = f"{offering.route_label}: {self._what(record)}"
            self.disagree(offering.model, label, kept.usd, kept.source, record.usd, offering=offering)

    def _hold(
        self, offering: Offering, record: PriceRecord, old: Price, reason: str, pending: dict[tuple, HeldChange]
    ) -> None:
        key = (offering.pk, record.component, record.service_tier, record.tier_min_tokens)
        held = pending.get(key)
        values = {
            "unit": record.unit,
            "old_usd": old.usd,
            "new_usd": record.usd,
            "reason": reason,
            "source_name": record.source_name,
            "source_url": record.source_url,
            "verified_on": record.verified_on,
            "published": record.published,
        }
        if held is None:
            pending[key] = HeldChange.objects.create(
                offering=offering,
                component=record.component,
                service_tier=record.service_tier,
                tier_min_tokens=record.tier_min_tokens,
                source=self.source,
                sync_run=self.run,
                **values,
            )
            self.tally.add("price", "held")
        elif changed := _changes(held, values):
            held.save(update_fields=[name for name, _, _ in changed])
            self.tally.add("price", "held")
        else:
            self.tally.add("price", "unchanged")

    def _close_unlisted(self, offering: Offering, route: OfferingRecord, current: dict) -> None:
        stated = {record.key for record in route.prices}
        for key, old in current.items():
            if key in stated or old.source != self.source:
                continue
            old.effective_to = self.now
            old.save(update_fields=["effective_to"])
            self.tally.add("price", "updated")
            what = price_label(*key)
            self.event(
                ChangeEvent.Kind.PRICE_REMOVED,
                f"{offering.model.name} on {offering.route_label}: {what} ${_shown(old.usd)} no longer listed",
                model=offering.model,
                offering=offering,
                field=what,
                old_value=str(old.usd),
            )

    # --- unmatched ids ---------------------------------------------------------------------------------------

    def unmatched(self, batch: Batch) -> None:
        if not batch.unmatched:
            return
        existing = {
            u.external_id: u
            for u in UnmatchedId.objects.filter(
                source=self.source, external_id__in=[u.external_id for u in batch.unmatched]
            ).select_related("candidate")  # compared below: a query per row otherwise
        }
        candidates = {
            m.slug: m
            for m in LanguageModel.objects.filter(slug__in={u.candidate for u in batch.unmatched if u.candidate})
        }
        # One id may be unmatched several times in a batch (models.dev lists a bare id under many providers).
        unique: dict[str, UnmatchedRecord] = {}
        for record in batch.unmatched:
            first = unique.setdefault(record.external_id, record)
            if first is not record:
                routes = first.details.get("routes", []) + record.details.get("routes", [])
                first.details = {**first.details, "routes": sorted(set(routes))}
        for record in unique.values():
            candidate = candidates.get(record.candidate)
            row = existing.get(record.external_id)
            if row is None:
                UnmatchedId.objects.create(
                    source=self.source,
                    external_id=record.external_id[:255],
                    name=record.name[:300],
                    candidate=candidate,
                    candidate_score=record.candidate_score,
                    details=record.details,
                    first_seen_at=self.now,
                    last_seen_at=self.now,
                    last_run=self.run,
                )
                self.tally.add("unmatched", "created")
            else:
                # Seen again: refresh what a curator sees only when it changed (a re-run writes nothing).
                changed = _changes(
                    row,
                    {
                        "name": record.name[:300],
                        "candidate": candidate,
                        "candidate_score": record.candidate_score,
                        "details": record.details,
                    },
                )
                if changed:
                    row.last_seen_at, row.last_run = self.now, self.run
                    row.save(update_fields=[n for n, _, _ in changed] + ["last_seen_at", "last_run"])
                self.tally.add("unmatched", "updated" if changed else "unchanged")
