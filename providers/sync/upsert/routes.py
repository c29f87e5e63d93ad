"""Routes and their prices from one source's batch: a changed price closes its period and opens the next; a
route the source no longer lists is retired, never deleted."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from catalog.models import LanguageModel
from providers.models import ChangeEvent, HeldChange, Offering, Price, Provider
from providers.pricing.rules import price_label
from providers.sync.records import ModelRecord, OfferingRecord, PriceRecord, Rejection
from providers.sync.sources import source_rank
from providers.sync.upsert.base import (
    PRICE_DISAGREEMENT,
    RETIREMENT_GUARD,
    _changes,
    _given,
    _shown,
    hold_reason,
)
from providers.sync.upsert.queues import QueueWrites


class RouteWrites(QueueWrites):
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
                values = _given(route, Offering.FACTS)
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
        owned = Offering.objects.filter(source=self.source).live()
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
            closed = Price.objects.current().filter(offering=offering, source=self.source).close(self.now)
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
                        new_usd=record.usd,
                    )
                elif old.usd != record.usd or old.unit != record.unit:
                    reason = "" if self.rank >= source_rank("curated") else hold_reason(old.usd, record.usd)
                    if reason:
                        self._hold(offering, record, old, reason, pending)
                        continue
                    to_create.append(old.hand_over(new_price, now=self.now))  # history is kept
                    self.tally.add("price", "updated")
                    self.event(
                        ChangeEvent.Kind.PRICE_CHANGED,
                        f"{offering.model.name} on {offering.route_label}: {self._what(record)} "
                        f"${_shown(old.usd)} → ${_shown(record.usd)}",
                        model=offering.model,
                        offering=offering,
                        field=self._what(record),
                        old_usd=old.usd,
                        new_usd=record.usd,
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
            self.disagree(offering.model, label, kept.usd, kept.source, record.usd, offering=offering, price=record)

    def _close_unlisted(self, offering: Offering, route: OfferingRecord, current: dict) -> None:
        stated = {record.key for record in route.prices}
        for key, old in current.items():
            if key in stated or old.source != self.source:
                continue
            old.close(self.now)
            self.tally.add("price", "updated")
            what = price_label(*key)
            self.event(
                ChangeEvent.Kind.PRICE_REMOVED,
                f"{offering.model.name} on {offering.route_label}: {what} ${_shown(old.usd)} no longer listed",
                model=offering.model,
                offering=offering,
                field=what,
                old_usd=old.usd,
            )
