"""Routes and their prices from one source's batch: a changed price closes its period and opens the next; a
route the source no longer lists is retired, never deleted."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from catalog.models import LanguageModel
from providers.models import ChangeEvent, Disagreement, HeldChange, Offering, Price, Provider, live_route
from providers.precedence import CURATED_UNDER_FEED_PRECEDENCE, CURATOR_PRECEDENCE, FIRST_PARTY_PRECEDENCE
from providers.pricing.rules import price_label
from providers.sync.records import ModelRecord, OfferingRecord, PriceRecord, Rejection
from providers.sync.sources import is_first_party, source_rank
from providers.sync.upsert.base import (
    PRICE_DISAGREEMENT,
    RETIREMENT_GUARD,
    _changes,
    _given,
    _same,
    _shown,
    hold_reason,
)
from providers.sync.upsert.queues import QueueWrites

# The pseudo-source of the disagreements the cross-route check records, and the prices it compares.
CROSS_ROUTE = "cross-route check"
CROSS_ROUTE_COMPONENTS = ("input", "output")
ROUTE_LIMITS = ("context_window", "max_output_tokens")


def _price_rank(price: Price, provider: str) -> int:
    """How far a stored price is trusted on its route: a curated figure locked with a reason as a curator's."""
    return CURATOR_PRECEDENCE if price.locked_reason else source_rank(price.source, provider)


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
                    # it, so two aggregators never flip it back and forth); measurements still count. A limit it
                    # states otherwise, beyond the fact's tolerance, is for a curator to see.
                    for name in ROUTE_LIMITS:
                        kept, other = getattr(offering, name), values.get(name)
                        if kept is None or other is None or _same(name, kept, other):
                            continue
                        if not self._first_party_kept(offering.source, provider.slug):
                            label = f"{offering.route_label}: {name}"
                            self.disagree(model, label, kept, offering.source, other, offering=offering, fact=name)
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
            provider = offering.provider.slug
            my_rank = source_rank(self.source, provider)
            # The route's first party (its own feed, else the curated files) states prices here: an aggregator may
            # then not add a component of its own, only point at it.
            voice = (
                None
                if my_rank >= CURATED_UNDER_FEED_PRECEDENCE
                else next(
                    (p.source for p in current.values() if _price_rank(p, provider) >= CURATED_UNDER_FEED_PRECEDENCE),
                    None,
                )
            )
            for record in route.prices:
                old = current.get(record.key)
                if old is not None and old.source != self.source:
                    owner_rank = _price_rank(old, provider)
                    if my_rank <= owner_rank:
                        # The figure belongs to a source that ranks at least as high: keep it, note a disagreement.
                        self._price_disagreement(offering, record, old)
                        self.tally.add("price", "unchanged")
                        continue
                if old is None and voice is not None:
                    self._unstated_component(offering, record, voice)
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
                else:
                    moved = self._known_earlier(old, record)
                    changed = _changes(
                        old,
                        {
                            "source": self.source,
                            "source_name": record.source_name,
                            "source_url": record.source_url,
                            "verified_on": max(old.verified_on, record.verified_on),
                            "published": record.published,
                            "locked_reason": record.locked,
                        },
                    )
                    if changed:
                        old.save(update_fields=[name for name, _, _ in changed])  # provenance only, same figure
                    self.tally.add("price", "updated" if changed or moved else "unchanged")
            if route.prices_complete:
                self._close_unlisted(offering, route, current, my_rank)
        Price.objects.bulk_create(to_create)
        self._cross_route_check({offering.model_id for offering, _ in offerings})

    def _what(self, record: PriceRecord) -> str:
        return price_label(record.component, record.service_tier, record.tier_min_tokens)

    def _start(self, record: PriceRecord) -> tuple[dt.datetime, bool]:
        """When a price's period begins, and whether that is when it started: a date the source gives for the
        price itself, else the day the source stated it (a snapshot's date, a live answer's day), which the price
        was in force on at the latest ("since ≤ 2026-05-15"). Never in the future."""
        if record.effective_from is not None:
            return min(record.effective_from, self.now), True
        return min(dt.datetime.combine(record.verified_on, dt.time(), tzinfo=dt.UTC), self.now), False

    def _known_earlier(self, old: Price, record: PriceRecord) -> bool:
        """The same figure, stated by a source dated before the open period's start: it was in force then too, as
        long as no earlier period of the price covers that day."""
        start, known = self._start(record)
        if known or old.start_known or start >= old.effective_from:
            return False
        earlier = Price.objects.filter(
            offering_id=old.offering_id,
            component=old.component,
            service_tier=old.service_tier,
            tier_min_tokens=old.tier_min_tokens,
            effective_to__gt=start,
        ).exclude(pk=old.pk)
        if earlier.exists():
            return False
        old.effective_from = start
        old.save(update_fields=["effective_from"])
        return True

    def _price_row(self, offering: Offering, record: PriceRecord) -> Price:
        start, start_known = self._start(record)
        return Price(
            offering=offering,
            component=record.component,
            unit=record.unit,
            usd=record.usd,
            tier_min_tokens=record.tier_min_tokens,
            service_tier=record.service_tier,
            effective_from=start,
            start_known=start_known,
            locked_reason=record.locked,
            source=self.source,
            source_name=record.source_name,
            source_url=record.source_url,
            verified_on=record.verified_on,
            published=record.published,
            sync_run=self.run,
        )

    def _first_party_kept(self, owner: str, provider: str) -> bool:
        """True (and counted) when the kept value is the route's first party's own: a second-hand copy that differs
        from it is stale, not a question for a curator."""
        if is_first_party(owner, provider):
            self.tally.add("disagreement", "first party kept")
            return True
        return False

    def _price_disagreement(self, offering: Offering, record: PriceRecord, kept: Price) -> None:
        if kept.usd != record.usd and self._first_party_kept(kept.source, offering.provider.slug):
            return
        high = max(kept.usd, record.usd)
        if high and abs(kept.usd - record.usd) / high > PRICE_DISAGREEMENT:
            label = f"{offering.route_label}: {self._what(record)}"
            self.disagree(offering.model, label, kept.usd, kept.source, record.usd, offering=offering, price=record)

    def _unstated_component(self, offering: Offering, record: PriceRecord, voice: str) -> None:
        """An aggregator states a price the route's first party does not: not added; shown to curators when the
        first party is the curated files (which may be incomplete), counted when it is the route's own feed."""
        if self._first_party_kept(voice, offering.provider.slug):
            return
        label = f"{offering.route_label}: {self._what(record)} (not stated by {voice})"
        self.disagree(offering.model, label, "", voice, record.usd, offering=offering, price=record)

    def _close_unlisted(self, offering: Offering, route: OfferingRecord, current: dict, my_rank: int) -> None:
        """Close what this source stated before and no longer lists; a route's first party also closes the
        components an aggregator added that it does not list."""
        stated = {record.key for record in route.prices}
        # Only a first party that states prices here speaks for them: a curated route listed without prices ("no
        # source states them") leaves what the aggregators say.
        first_party = my_rank >= FIRST_PARTY_PRECEDENCE and bool(stated)
        for key, old in current.items():
            if key in stated or old.effective_to is not None:
                continue
            mine = old.source == self.source
            if not mine and not (
                first_party and _price_rank(old, offering.provider.slug) < CURATED_UNDER_FEED_PRECEDENCE
            ):
                continue
            old.close(self.now)
            self.tally.add("price", "updated")
            what = price_label(*key)
            gone = "no longer listed" if mine else f"from {old.source}, not listed by {self.source}"
            self.event(
                ChangeEvent.Kind.PRICE_REMOVED,
                f"{offering.model.name} on {offering.route_label}: {what} ${_shown(old.usd)} {gone}",
                model=offering.model,
                offering=offering,
                field=what,
                old_usd=old.usd,
            )

    def _cross_route_check(self, model_ids: set[int]) -> None:
        """Flag a route whose base token price equals another route's long-context tier price while at least two
        other routes agree on a lower base: a tier figure copied as the base (Gemini 2.5 Pro on Vercel, $2.50 where
        three routes say $1.25). Recorded as a disagreement from the cross-route check, for a curator."""
        if not model_ids:
            return
        rows = (
            Price.objects.current()
            .filter(
                offering__model__in=model_ids,
                service_tier="standard",
                unit="per_1m_tokens",
                component__in=CROSS_ROUTE_COMPONENTS,
            )
            .filter(live_route("offering__"))
            .select_related("offering__provider", "offering__model")
        )
        bases: dict[tuple[int, str], list[Price]] = defaultdict(list)
        tiers: dict[tuple[int, str], list[Price]] = defaultdict(list)
        for price in rows:
            group = (price.offering.model_id, price.component)
            (tiers if price.tier_min_tokens else bases)[group].append(price)
        existing = {
            (d.offering_id, d.component): d
            for d in Disagreement.objects.filter(
                model__in=model_ids, other_source=CROSS_ROUTE, status=Disagreement.Status.OPEN
            )
        }
        for group, base_prices in bases.items():
            for price in base_prices:
                others = Counter(p.usd for p in base_prices if p.offering_id != price.offering_id and p.usd < price.usd)
                agreed = [usd for usd, n in others.items() if n >= 2]
                copied = any(t.usd == price.usd and t.offering_id != price.offering_id for t in tiers.get(group, []))
                if not (agreed and copied) or (price.offering_id, price.component) in existing:
                    continue
                offering = price.offering
                what = price_label(price.component, price.service_tier, price.tier_min_tokens)
                existing[(price.offering_id, price.component)] = Disagreement.objects.create(
                    model=offering.model,
                    offering=offering,
                    kind=Disagreement.Kind.PRICE,
                    component=price.component,
                    service_tier=price.service_tier,
                    tier_min_tokens=0,
                    field=f"{offering.route_label}: {what} equals another route's long-context price"[:200],
                    kept_value=_shown(price.usd),
                    kept_source=price.source,
                    other_value=_shown(max(agreed)),
                    other_source=CROSS_ROUTE,
                    first_seen_at=self.now,
                    last_seen_at=self.now,
                    sync_run=self.run,
                )
                self.tally.add("disagreement", "created")
