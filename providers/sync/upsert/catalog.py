"""Labs, providers, models, their aliases and their links (successors, snapshots) from one source's batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from catalog.models import Capability, Lab, LanguageModel, Modality, ModelAlias
from providers.models import ChangeEvent, Provider, UnmatchedId
from providers.sync.records import MODEL_M2M_FIELDS, MODEL_SCALAR_FIELDS, PROVIDER_FIELDS, Batch, ModelRecord, Rejection
from providers.sync.sources import source_rank
from providers.sync.upsert.base import DISPUTED_FACTS, TOKEN_COUNT_FACTS, _changes, _empty, _given, _same, _shown
from providers.sync.upsert.queues import QueueWrites


class CatalogWrites(QueueWrites):
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

    def may_set(self, model: LanguageModel, name: str, current: Any, new: Any, *, route_limit: bool = False) -> bool:
        """Whether this source may change fact `name` of `model` from `current` to `new`; records a
        disagreement when it may not and the values differ beyond the fact's tolerance. A `route_limit` (a context
        window or output limit the source states for one provider's route, not the lab's own) may fill an empty
        fact but is never disputed with the model's: routes' limits are compared with routes' (RouteWrites)."""
        disputed = DISPUTED_FACTS - TOKEN_COUNT_FACTS if route_limit else DISPUTED_FACTS
        if name in model.locked_fields:
            if not _same(name, current, new) and name in disputed | {"name"}:
                self.disagree(model, name, current, "curator lock", new, fact=name)
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
        if not _same(name, current, new) and name in disputed:
            self.disagree(model, name, current, owner or "curated", new, fact=name)
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
        vocabularies: dict[str, dict[str, Modality] | dict[str, Capability]] = {
            "input_modalities": modalities,
            "output_modalities": modalities,
            "capabilities": capabilities,
        }

        provider_labs = dict(
            Provider.objects.filter(slug__in={o.provider for r in records for o in r.offerings}).values_list(
                "slug", "lab__slug"
            )
        )
        result: dict[str, LanguageModel] = {}
        for record in records:
            values = _given(record, MODEL_SCALAR_FIELDS)
            # Limits stated only with other providers' routes are those routes' limits, not the model's.
            route_limit = bool(record.offerings) and all(
                provider_labs.get(o.provider) != record.lab for o in record.offerings
            )
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
                    stated = set(getattr(record, name) or [])
                    if name == "capabilities":
                        stated -= set(record.capabilities_denied)
                    getattr(model, name).set([vocabularies[name][slug] for slug in sorted(stated)])
                self.model_outcomes[record.slug] = "created"
                self.event(ChangeEvent.Kind.MODEL_ADDED, f"New model: {model.name} ({model.slug})", model=model)
                result[record.slug] = model
                continue

            changed: list[tuple[str, Any, Any]] = []
            stamped = False
            for name, new in values.items():
                current = getattr(model, name)
                if not self.may_set(model, name, current, new, route_limit=route_limit):
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
                moves_link = model.snapshot_of_id is not None and self.rank < source_rank("curated")
                if attribute == "snapshot_of" and moves_link:
                    continue  # a feed fills in a missing snapshot link; it never moves one
                if attribute == "snapshot_of" and target.pk == model.pk:
                    continue
                old = getattr(model, attribute).slug if getattr(model, f"{attribute}_id") else ""
                setattr(model, attribute, target)
                model.save(update_fields=[attribute, "updated_at"])
                if self.model_outcomes[record.slug] != "created":
                    self.model_changed(model, attribute, old, target.slug)
                    self.model_outcomes[record.slug] = "updated"
        for outcome in self.model_outcomes.values():
            self.tally.add("model", outcome)
