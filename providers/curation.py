"""A person's edits to the catalog: the same rules whether they come through the admin or the API.

- Validation first (providers/validation.py); nothing is written when anything is wrong.
- A fact a curator changes is locked against syncs ("by whom, when"); it can be unlocked so the sources' value
  flows again.
- A price is never overwritten: the open period is closed and a new one opens, written as source "curator", which
  outranks every feed (providers/sources: source_rank).
- Every change is a ChangeEvent naming the person, and a history row (django-simple-history) with who and what.

About 500 lines: every write a person makes is here, so that the rules above stay the same for all of them; each
function is one kind of edit, and the price period itself is Price's (close, hand_over).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.models import MODEL_FACT_LISTS, MODEL_FACTS, Capability, Lab, LanguageModel, Modality, ModelAlias
from catalog.vocabulary import MAX_TOKENS
from lib.history import attribute, ensure_baseline
from providers.models import ChangeEvent, Disagreement, HeldChange, Offering, Price, Provider, UnmatchedId
from providers.precedence import RELEASED
from providers.pricing.rules import price_label
from providers.validation import model_problems, price_problems, too_many_tokens

CURATOR = "curator"
# Each list fact with the vocabulary its rows come from.
MODEL_LISTS = {
    name: cast(type[Modality] | type[Capability], LanguageModel._meta.get_field(name).related_model)
    for name in MODEL_FACT_LISTS
}


def _actor(user: Any) -> str:
    return getattr(user, "get_username", lambda: "")() or "unknown"


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(item) for item in value))
    return "" if value is None else str(value)


def _event(kind: str, summary: str, *, user: Any, **fields: Any) -> ChangeEvent:
    event = ChangeEvent.make(kind, summary, occurred_at=timezone.now(), actor=_actor(user), **fields)
    event.save()
    return event


def lock_fields(model: LanguageModel, fields: Iterable[str], *, user: Any) -> None:
    at = timezone.now().isoformat()
    for name in fields:
        model.locked_fields[name] = {"by": _actor(user), "at": at}
        model.field_sources[name] = CURATOR


@transaction.atomic
def unlock_fields(model: LanguageModel, fields: Iterable[str], *, user: Any) -> list[str]:
    """Let the sources' values flow into these facts again (the next sync may change them)."""
    released = [name for name in fields if model.locked_fields.pop(name, None) is not None]
    for name in released:
        model.field_sources[name] = RELEASED  # ranks below every source: the next sync's value wins
    if released:
        ensure_baseline(model)
        attribute(model, user)
        model.save(update_fields=["locked_fields", "field_sources", "updated_at"])
        _event(
            ChangeEvent.Kind.MODEL_CHANGED,
            f"{model.name}: unlocked {', '.join(released)}",
            user=user,
            model=model,
            field="locked_fields",
            old_value=", ".join(released),
        )
    return released


def _check_model(model: LanguageModel, values: dict[str, Any], successor: LanguageModel | None) -> None:
    merged = {
        name: values.get(name, getattr(model, name, None))
        for name in (
            "knowledge_cutoff",
            "context_window",
            "max_output_tokens",
            "release_date",
            "deprecation_date",
            "retirement_date",
        )
    }
    problems = model_problems(
        slug=model.slug or values.get("slug"), successor_slug=successor.slug if successor else None, **merged
    )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def edit_model(model: LanguageModel, changes: dict[str, Any], *, user: Any) -> list[str]:
    """Apply a curator's changes to a model's facts (lists given as slugs; `successor` as a model or None) and lock
    every fact that changed. Returns the names of the changed facts."""
    unknown = set(changes) - set(MODEL_FACTS) - set(MODEL_LISTS) - {"successor", "lab"}
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be edited."))
    successor = changes.get("successor", model.successor)
    _check_model(model, changes, successor)
    ensure_baseline(model)
    changed: list[tuple[str, Any, Any]] = []
    for name in MODEL_FACTS:
        if name in changes and getattr(model, name) != changes[name]:
            changed.append((name, getattr(model, name), changes[name]))
            setattr(model, name, changes[name])
    if "successor" in changes and model.successor_id != (successor.pk if successor else None):
        changed.append(
            ("successor", model.successor.slug if model.successor else "", successor.slug if successor else "")
        )
        model.successor = successor
    if "lab" in changes and model.lab_id != changes["lab"].pk:
        changed.append(("lab", model.lab.slug, changes["lab"].slug))
        model.lab = changes["lab"]
    list_changes = []
    for name, vocabulary in MODEL_LISTS.items():
        if name not in changes:
            continue
        wanted = sorted(set(changes[name]))
        have = sorted(item.slug for item in getattr(model, name).all())
        if wanted != have:
            rows = vocabulary.ensure(set(wanted))
            list_changes.append((name, [rows[slug] for slug in wanted]))
            changed.append((name, have, wanted))
    if not changed:
        return []
    lock_fields(model, [name for name, _, _ in changed], user=user)
    attribute(model, user)
    model.save()
    for name, members in list_changes:
        getattr(model, name).set(members)
    for name, old, new in changed:
        _event(
            ChangeEvent.Kind.MODEL_CHANGED,
            f"{model.name}: {name} {_shown(old) or '-'} → {_shown(new) or '-'}",
            user=user,
            model=model,
            field=name,
            old_value=_shown(old),
            new_value=_shown(new),
        )
    return [name for name, _, _ in changed]


@transaction.atomic
def create_model(*, lab: Lab, slug_part: str, name: str, user: Any, **facts: Any) -> LanguageModel:
    """A model a curator adds by hand: every fact given is the curator's, locked against syncs."""
    slug = f"{lab.slug}/{slug_part}"
    if LanguageModel.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"{slug} already exists."})
    lists = {name: facts.pop(name) for name in list(facts) if name in MODEL_LISTS}
    successor = facts.pop("successor", None)
    model = LanguageModel(lab=lab, slug=slug, name=name, successor=successor, **facts)
    _check_model(model, facts, successor)
    lock_fields(model, ["name", *facts, *lists, *(["successor"] if successor else [])], user=user)
    attribute(model, user)
    model.save()
    for list_name, slugs in lists.items():
        rows = MODEL_LISTS[list_name].ensure(set(slugs))
        getattr(model, list_name).set([rows[s] for s in slugs])
    _event(ChangeEvent.Kind.MODEL_ADDED, f"New model: {model.name} ({model.slug})", user=user, model=model)
    return model


@transaction.atomic
def edit_offering(offering: Offering, changes: dict[str, Any], *, user: Any) -> list[str]:
    """Change a route's own facts; the route becomes the curator's, so feeds stop describing it."""
    unknown = set(changes) - set(Offering.FACTS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be edited."))
    for name in ("context_window", "max_output_tokens"):
        if name in changes and changes[name] is not None and changes[name] <= 0:
            raise ValidationError({name: "A positive number of tokens."})
        if name in changes and changes[name] is not None and changes[name] > MAX_TOKENS:
            raise ValidationError({name: too_many_tokens(changes[name])})
    changed = [
        (name, getattr(offering, name), value) for name, value in changes.items() if getattr(offering, name) != value
    ]
    if not changed:
        return []
    ensure_baseline(offering)
    for name, _, value in changed:
        setattr(offering, name, value)
    offering.source = CURATOR
    attribute(offering, user)
    offering.save()
    for name, old, new in changed:
        _event(
            ChangeEvent.Kind.OFFERING_CHANGED,
            f"{offering.model.name} on {offering.route_label}: {name} {_shown(old) or '-'} → {_shown(new)}",
            user=user,
            model=offering.model,
            offering=offering,
            field=name,
            old_value=_shown(old),
            new_value=_shown(new),
        )
    return [name for name, _, _ in changed]


@transaction.atomic
def create_offering(
    *,
    model: LanguageModel,
    provider: Provider,
    provider_model_id: str,
    user: Any,
    region: str = "",
    quantization: str = "",
    **fields: Any,
) -> Offering:
    if Offering.objects.filter(model=model, provider=provider, region=region, quantization=quantization).exists():
        raise ValidationError({"provider": f"{model.name} already has a route on {provider.name} there."})
    offering = Offering(
        model=model,
        provider=provider,
        provider_model_id=provider_model_id,
        region=region,
        quantization=quantization,
        source=CURATOR,
        **fields,
    )
    attribute(offering, user)
    offering.save()
    _event(
        ChangeEvent.Kind.OFFERING_ADDED,
        f"{model.name} is now served by {provider.name}",
        user=user,
        model=model,
        offering=offering,
    )
    return offering


def _checked_price(
    offering: Offering,
    *,
    component: str,
    unit: str | None,
    usd: Decimal | None,
    service_tier: str,
    tier_min_tokens: int,
) -> tuple[str, Decimal]:
    """The unit and amount of a price a curator may set on this route, or a ValidationError naming every problem."""
    problems = price_problems(
        component=component,
        unit=unit,
        usd=usd,
        service_tier=service_tier,
        tier_min_tokens=tier_min_tokens,
        context_window=offering.context_window or offering.model.context_window,
    )
    if problems or unit is None or usd is None:  # price_problems names a missing unit or amount
        raise ValidationError(problems)
    return unit, usd


def _price_event(
    offering: Offering, what: str, *, old_usd: Decimal | None, new_usd: Decimal, user: Any, note: str = ""
) -> None:
    """A price a person added (no `old_usd`) or changed, as a change event."""
    where = f"{offering.model.name} on {offering.route_label}: {what}"
    if old_usd is None:
        kind, summary = ChangeEvent.Kind.PRICE_ADDED, f"{where} ${_shown(new_usd)}"
    else:
        kind, summary = ChangeEvent.Kind.PRICE_CHANGED, f"{where} ${_shown(old_usd)} → ${_shown(new_usd)}"
    summary += f" ({note})" if note else ""
    _event(
        kind, summary, user=user, model=offering.model, offering=offering, field=what, old_usd=old_usd, new_usd=new_usd
    )


def _open_next(old: Price | None, price: Price, *, now: dt.datetime, user: Any) -> Price:
    """Save `price` as the open period of its price, the `old` one (if any) handed over to it."""
    if old is not None:
        attribute(old, user)
        old.hand_over(price, now=now)
    attribute(price, user)
    price.save()
    return price


@transaction.atomic
def set_price(
    offering: Offering,
    *,
    component: str,
    unit: str | None,
    usd: Decimal | None,
    user: Any,
    source_url: str = "",
    source_name: str = "",
    verified_on: dt.date | None = None,
    service_tier: str = "standard",
    tier_min_tokens: int = 0,
    published: str = "",
    effective_from: dt.datetime | None = None,
) -> Price:
    """Set one price of a route: the open period (if any) ends now and the curator's price opens, outranking every
    feed. The same figure again only refreshes its provenance."""
    unit, usd = _checked_price(
        offering, component=component, unit=unit, usd=usd, service_tier=service_tier, tier_min_tokens=tier_min_tokens
    )
    now = timezone.now()
    old = Price.objects.open_for_update(
        offering=offering, component=component, service_tier=service_tier, tier_min_tokens=tier_min_tokens
    )
    if (
        old is not None
        and (old.usd, old.unit) != (usd, unit)
        and (source_url, source_name, published) == (old.source_url, old.source_name, old.published)
    ):
        # The old figure's credit, carried over by a form's initial values: a source never stated the new figure,
        # so it is the curator's, by name and date (verified_on), never the old row's source.
        source_url, source_name, published = "", "", ""
    provenance = {
        "source_url": source_url,
        "source_name": source_name or f"curated by {_actor(user)}",
        "verified_on": verified_on or now.date(),
        "published": published,
    }
    if old is not None:
        ensure_baseline(old)
        if old.usd == usd and old.unit == unit:  # the same figure: it becomes the curator's, with this provenance
            for name, value in provenance.items():
                setattr(old, name, value)
            old.source = CURATOR
            attribute(old, user)
            old.save()
            return old
    price = Price(
        offering=offering,
        component=component,
        unit=unit,
        usd=usd,
        service_tier=service_tier,
        tier_min_tokens=tier_min_tokens,
        effective_from=min(effective_from or now, now),
        source=CURATOR,
        **provenance,
    )
    _open_next(old, price, now=now, user=user)
    what = price_label(component, service_tier, tier_min_tokens)
    _price_event(offering, what, old_usd=old.usd if old else None, new_usd=usd, user=user)
    return price


@transaction.atomic
def end_price(price: Price, *, user: Any) -> Price:
    """Withdraw a price: its period ends now (history keeps it)."""
    if price.effective_to is not None:
        raise ValidationError({"effective_to": "This price period has already ended."})
    ensure_baseline(price)
    attribute(price, user)
    price.close(timezone.now())
    what = price_label(price.component, price.service_tier, price.tier_min_tokens)
    offering = price.offering
    _event(
        ChangeEvent.Kind.PRICE_REMOVED,
        f"{offering.model.name} on {offering.route_label}: {what} ${_shown(price.usd)} withdrawn",
        user=user,
        model=offering.model,
        offering=offering,
        field=what,
        old_usd=price.usd,
    )
    return price


@transaction.atomic
def release_price(price: Price, *, user: Any) -> Price:
    """Unlock a curator's price: it ranks below every source again, so the next sync may replace it."""
    if price.source != CURATOR:
        raise ValidationError({"source": f"Only a curator's price can be released; this one is from {price.source}."})
    if price.effective_to is not None:
        raise ValidationError({"effective_to": "This price period has already ended."})
    ensure_baseline(price)
    price.source = RELEASED
    attribute(price, user)
    price.save(update_fields=["source"])
    return price


# --- review queues ------------------------------------------------------------------------------------------


@transaction.atomic
def approve_held_change(held: HeldChange, *, user: Any, note: str = "") -> Price:
    """Apply a change a sync held back: the price is written as its source stated it (the source keeps owning it,
    so later syncs go on updating it), the old period closes, and the held change is marked approved."""
    if held.status != HeldChange.Status.PENDING:
        raise ValidationError({"status": f"This change was already {held.get_status_display().lower()}."})
    offering = held.offering
    now = timezone.now()
    old = Price.objects.open_for_update(
        offering=offering,
        component=held.component,
        service_tier=held.service_tier,
        tier_min_tokens=held.tier_min_tokens,
    )
    price = Price(
        offering=offering,
        component=held.component,
        unit=held.unit,
        usd=held.new_usd,
        service_tier=held.service_tier,
        tier_min_tokens=held.tier_min_tokens,
        effective_from=now,
        source=held.source,
        source_name=held.source_name,
        source_url=held.source_url,
        verified_on=held.verified_on,
        published=held.published,
    )
    _open_next(old, price, now=now, user=user)
    held.status, held.review_note = HeldChange.Status.APPROVED, note or f"approved by {_actor(user)}"
    held.save(update_fields=["status", "review_note"])
    what = price_label(held.component, held.service_tier, held.tier_min_tokens)
    _price_event(offering, what, old_usd=held.old_usd, new_usd=held.new_usd, user=user, note="held change approved")
    return price


@transaction.atomic
def reject_held_change(held: HeldChange, *, user: Any, reason: str) -> HeldChange:
    if held.status != HeldChange.Status.PENDING:
        raise ValidationError({"status": f"This change was already {held.get_status_display().lower()}."})
    if not reason.strip():
        raise ValidationError({"review_note": "Say why the change is rejected."})
    held.status, held.review_note = HeldChange.Status.REJECTED, f"{reason.strip()} ({_actor(user)})"
    held.save(update_fields=["status", "review_note"])
    return held


@transaction.atomic
def map_unmatched(unmatched: UnmatchedId, model: LanguageModel, *, user: Any) -> ModelAlias:
    """The id now names `model` for its source; the next sync (or a replay of the last payload) applies its data."""
    taken = ModelAlias.objects.filter(source=unmatched.source, external_id=unmatched.external_id).first()
    if taken is not None and taken.model_id != model.pk:
        raise ValidationError({"model": f"{unmatched.external_id} already names {taken.model} on {unmatched.source}."})
    alias = taken or ModelAlias(model=model, source=unmatched.source, external_id=unmatched.external_id)
    if taken is None:
        attribute(alias, user)
        alias.save()
    unmatched.status, unmatched.candidate = UnmatchedId.Status.MAPPED, model
    unmatched.save(update_fields=["status", "candidate"])
    _event(
        ChangeEvent.Kind.ALIAS_ADDED,
        f"{model.name} is also known as {unmatched.source}:{unmatched.external_id}",
        user=user,
        model=model,
        field="alias",
        new_value=f"{unmatched.source}:{unmatched.external_id}",
    )
    return alias


def _disagreement_price(disagreement: Disagreement) -> Price | None:
    """The current price a price disagreement is about: its route, component, service tier and threshold."""
    if disagreement.offering is None or disagreement.kind != Disagreement.Kind.PRICE:
        return None
    return (
        Price.objects.current()
        .filter(
            offering=disagreement.offering,
            component=disagreement.component,
            service_tier=disagreement.service_tier,
            tier_min_tokens=disagreement.tier_min_tokens or 0,
        )
        .first()
    )


@transaction.atomic
def resolve_disagreement(disagreement: Disagreement, *, use: str, user: Any) -> None:
    """`use="kept"` locks the value the catalog kept; `use="other"` takes the other source's value (locked as a
    curator's). Either way a sync will not change it again until a curator unlocks it."""
    if use not in ("kept", "other"):
        raise ValidationError({"use": "Choose the kept value or the other one."})
    model = disagreement.model
    if disagreement.kind == Disagreement.Kind.ROUTE_FACT and disagreement.offering is not None:
        value = disagreement.kept_value if use == "kept" else disagreement.other_value
        edit_offering(disagreement.offering, {disagreement.fact: int(value) if value else None}, user=user)
    elif disagreement.offering is not None:
        price = _disagreement_price(disagreement)
        if price is None:
            raise ValidationError({"field": "That price is no longer current; dismiss this disagreement."})
        usd = Decimal(disagreement.kept_value if use == "kept" else disagreement.other_value)
        set_price(
            price.offering,
            component=price.component,
            unit=price.unit,
            usd=usd,
            user=user,
            service_tier=price.service_tier,
            tier_min_tokens=price.tier_min_tokens,
            source_url=price.source_url,
            source_name=f"chosen by {_actor(user)} over {disagreement.other_source}"
            if use == "kept"
            else f"{disagreement.other_source}, chosen by {_actor(user)}",
            verified_on=price.verified_on,
        )
    else:
        value = disagreement.kept_value if use == "kept" else disagreement.other_value
        field = disagreement.fact or disagreement.field
        current = getattr(model, field)
        parsed: Any = value
        if isinstance(current, int) or field in ("context_window", "max_output_tokens"):
            parsed = int(value) if value else None
        elif isinstance(current, dt.date) or field.endswith("_date"):
            parsed = dt.date.fromisoformat(value) if value else None
        if getattr(model, field) != parsed:
            edit_model(model, {field: parsed}, user=user)
        else:
            lock_fields(model, [field], user=user)
            attribute(model, user)
            model.save(update_fields=["locked_fields", "field_sources", "updated_at"])
    disagreement.status = Disagreement.Status.RESOLVED
    disagreement.save(update_fields=["status"])
