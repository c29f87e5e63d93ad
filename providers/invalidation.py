"""Which cached pages and API answers a change makes stale, and the re-rendering that follows (lib/caching.py
keeps them under tags; this module knows which rows a tag names).

A change to models A, B... makes stale: their pages and API answers (`model:<slug>`), their labs' pages, the pages
of the providers that route them, and every list (`lists`: home, the browser, compare, the calculator, benchmarks,
the change feed). Changes no model names (a lab, a provider, a benchmark, the vocabularies) make everything stale.
Admin and API edits arrive through model signals (`on_data_change`); a sync says which models its change events
name (`sync_changed`). Invalidation happens once the transaction commits, once per transaction, and is followed by
a rewarm task (providers/rewarm.py) for the models it names.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from catalog.models import LanguageModel
from lib.caching import (
    BOOKKEEPING_MODELS,
    EVERYTHING,
    LISTS,
    WATCHED_APPS,
    bump_tags,
    lab_tag,
    model_tag,
    provider_tag,
)
from lib.history import is_syncing
from providers.models import ChangeEvent, Offering, Price, Provider, SyncRun

logger = logging.getLogger(__name__)

# Tally kinds of a sync whose changes are named by change events (each event names its model or route).
NAMED_KINDS = frozenset({"model", "alias", "offering", "price", "score", "disagreement", "held", "unmatched"})
# Rows changed through the admin or the API that belong to one model.
_MODEL_ROWS = frozenset(
    {
        "languagemodel",
        "modelalias",
        "offering",
        "price",
        "cheapestroute",
        "benchmarkscore",
        "changeevent",
        "disagreement",
        "heldchange",
    }
)


class _Pending(threading.local):
    def __init__(self) -> None:
        self.model_ids: set[int] = set()
        self.everything = False
        # The outermost atomic block the changes were made in: a change left over from a transaction that rolled
        # back (its callbacks never ran) is dropped when the next transaction begins adding its own.
        self.owner: object | None = None


_pending = _Pending()


def tags_for_models(model_ids: Iterable[int]) -> set[str]:
    """The tags a change to these models touches: theirs, their labs', their providers', and every list."""
    ids = sorted(set(model_ids))
    tags = {LISTS}
    if not ids:
        return tags
    for slug, lab in LanguageModel.objects.filter(pk__any_of=ids).values_list("slug", "lab__slug"):
        tags.update((model_tag(slug), lab_tag(lab)))
    providers = Provider.objects.filter(offerings__model_id__in=ids).values_list("slug", flat=True).distinct()
    tags.update(provider_tag(slug) for slug in providers)
    return tags


def models_changed(model_ids: Iterable[int] = (), *, everything: bool = False) -> None:
    """Once the current transaction commits (at once outside one): make stale what these models' change touches
    (everything, with `everything`), then re-render them. Several calls in one transaction invalidate once."""
    connection = transaction.get_connection()
    owner = connection.atomic_blocks[0] if connection.in_atomic_block else None
    if _pending.owner is not owner:
        _pending.model_ids, _pending.everything, _pending.owner = set(), False, owner
    _pending.model_ids.update(model_ids)
    _pending.everything = _pending.everything or everything
    transaction.on_commit(_flush)  # the first callback to run takes what every call of the transaction added


def _flush() -> None:
    ids, everything = _pending.model_ids, _pending.everything
    if not ids and not everything:
        return
    _pending.model_ids, _pending.everything, _pending.owner = set(), False, None
    invalidate(ids, everything=everything)


def invalidate(ids: set[int], *, everything: bool = False) -> None:
    """Now: make stale what a committed change to these models touches, and enqueue their re-rendering."""
    tags = tags_for_models(ids)
    if everything:
        tags.add(EVERYTHING)
    bump_tags(tags)
    if settings.PAGE_CACHE_REWARM and settings.PAGE_CACHE_SECONDS:
        from providers.rewarm import rewarm

        try:
            rewarm.delay(sorted(ids))
        except Exception:  # no broker now: the pages are rendered by their first visitors instead
            logger.warning("could not enqueue the rewarm of %d models", len(ids), exc_info=True)


def sync_changed(run: SyncRun, tally_by_kind: dict[str, Any]) -> None:
    """After a sync committed changes: the models its change events name, or everything when it changed rows no
    event names (a lab, a provider, a benchmark)."""
    unnamed = any(
        counter.get("created") or counter.get("updated") or counter.get("retired")
        for kind, counter in tally_by_kind.items()
        if kind not in NAMED_KINDS
    )
    ids: set[int] = set()
    for model_id, route_model_id in ChangeEvent.objects.filter(sync_run=run).values_list(
        "model_id", "offering__model_id"
    ):
        ids.update(i for i in (model_id, route_model_id) if i is not None)
    invalidate(ids, everything=unnamed or not ids)


def on_data_change(sender: type, instance: Any = None, **kwargs: Any) -> None:
    """Signal receiver (connected in ProvidersConfig.ready) for saves and deletes in the catalog's apps."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in WATCHED_APPS or meta.model_name in BOOKKEEPING_MODELS:
        return
    if is_syncing():  # a sync says what it changed once it is done (sync_changed)
        return
    if meta.model_name.startswith("historical"):  # a history row: the row it records has its own signal
        return
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed: only once it has happened
        return
    model_id = _model_of(instance)
    if model_id is None:
        models_changed(everything=True)
    else:
        models_changed([model_id])


def _model_of(instance: Any) -> int | None:
    """The model a changed row belongs to, or None when it is not one model's (or cannot be told any more)."""
    if isinstance(instance, LanguageModel):
        return instance.pk
    name = getattr(getattr(instance, "_meta", None), "model_name", "")
    if name not in _MODEL_ROWS:
        return None
    if getattr(instance, "model_id", None):
        return int(instance.model_id)
    if isinstance(instance, Price) or getattr(instance, "offering_id", None):
        if (offering := instance._state.fields_cache.get("offering")) is not None:
            return int(offering.model_id)
        return Offering.objects.filter(pk=instance.offering_id).values_list("model_id", flat=True).first()
    return None
