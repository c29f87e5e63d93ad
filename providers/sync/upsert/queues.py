"""The review queues a sync fills: disagreements between sources, price changes held for a curator, and ids
that matched no model."""

from __future__ import annotations

from typing import Any

from catalog.models import LanguageModel
from providers.models import Disagreement, HeldChange, Offering, Price, UnmatchedId
from providers.sync.records import Batch, PriceRecord, UnmatchedRecord
from providers.sync.upsert.base import Writer, _changes, _shown


def _disagreement_key(
    model: int, offering: int | None, component: str, service_tier: str, tier_min_tokens: int | None, fact: str
) -> tuple[Any, ...]:
    """What one open disagreement is about, as its columns say it (one per fact or price, per other source)."""
    return (model, offering, component, service_tier, tier_min_tokens, fact)


class QueueWrites(Writer):
    def disagree(
        self,
        model: LanguageModel,
        label: str,
        kept: Any,
        kept_source: str,
        other: Any,
        *,
        offering: Offering | None = None,
        price: PriceRecord | None = None,
        fact: str = "",
    ) -> None:
        """Record (or refresh) an open disagreement between what is kept and what this source says: about a price
        of `offering` (`price` names its component, service tier and threshold), or a `fact` of the route
        (`offering` given) or of the model. `label` says the same for people."""
        if self.disagreements is None:
            self.disagreements = {
                _disagreement_key(d.model_id, d.offering_id, d.component, d.service_tier, d.tier_min_tokens, d.fact): d
                for d in Disagreement.objects.filter(other_source=self.source, status=Disagreement.Status.OPEN)
            }
        if price is not None:
            kind = Disagreement.Kind.PRICE
            component, service_tier, tier_min_tokens, fact = (
                price.component,
                price.service_tier,
                price.tier_min_tokens,
                "",
            )
        else:
            kind = Disagreement.Kind.ROUTE_FACT if offering is not None else Disagreement.Kind.MODEL_FACT
            component, service_tier, tier_min_tokens, fact = "", "", None, fact or label
        columns: dict[str, Any] = {
            "component": component,
            "service_tier": service_tier,
            "tier_min_tokens": tier_min_tokens,
            "fact": fact,
        }
        key = _disagreement_key(
            model.pk, offering.pk if offering else None, component, service_tier, tier_min_tokens, fact
        )
        existing = self.disagreements.get(key)
        kept_text, other_text = _shown(kept)[:200], _shown(other)[:200]
        if existing is None:
            self.disagreements[key] = Disagreement.objects.create(
                model=model,
                offering=offering,
                kind=kind,
                **columns,
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
