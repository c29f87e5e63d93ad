"""Order independence, proved by property: the same small payloads, synced in any source order and any row order,
give the same catalog (models, snapshot links, aliases, where each score and route lands, current prices).

A source that only matches (LiteLLM, Epoch) cannot place an id whose model another source creates later: the
catalog is compared after every source has run twice in the drawn order (a `sync all` repeated), which is the
state a scheduled sync reaches whatever the order of its first runs."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.models import BenchmarkScore
from catalog.models import LanguageModel, ModelAlias
from providers.models import Offering, Price
from providers.sync.known import known_catalog
from providers.sync.screening import screen_batch
from providers.sync.sources import get_source
from providers.sync.upsert import apply_batch


def _or(model_id, name, prompt="0.00000015", completion="0.0000006", **extra):
    return {
        "id": model_id,
        "name": name,
        "pricing": {"prompt": prompt, "completion": completion},
        "architecture": {"input_modalities": ["text"], "output_modalities": ["text"], "tokenizer": "GPT"},
        "context_length": 128000,
        "top_provider": {"context_length": 128000, "max_completion_tokens": 16384},
        **extra,
    }


AA = {"artificial_analysis": {"intelligence_index": 30}}
OPENROUTER = [
    _or("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", benchmarks=AA),
    _or("openai/gpt-4o-mini:free", "OpenAI: GPT-4o-mini (free)", "0", "0", benchmarks=AA),
    _or("openai/gpt-4o-mini-2024-07-18", "OpenAI: GPT-4o-mini (2024-07-18)"),
    _or("qwen/qwen-plus-2025-07-28", "Qwen: Qwen Plus 0728", "0.0000004", "0.0000012"),
    _or("qwen/qwen-plus", "Qwen: Qwen-Plus", "0.0000004", "0.0000012"),
    _or("~openai/gpt-mini-latest", "OpenAI GPT Mini Latest", alias_target="openai/gpt-4o-mini"),
    _or("openrouter/auto", "Auto Router", "-1", "-1"),
    _or("poolside/laguna-m.1:free", "Poolside: Laguna M.1 (free)", "0", "0"),
]
LITELLM = {
    "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1.5e-7},
    "gpt-4o-mini-2024-07-18": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1.5e-7},
    "azure/gpt-35-turbo": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 5e-7},
    "openrouter/qwen/qwen-plus": {"litellm_provider": "openrouter", "mode": "chat", "input_cost_per_token": 4e-7},
    "claude-sonnet-4-5-20250929": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 3e-6},
}


def _epoch(version, score):
    return {"Model version": version, "Best score (across scorers)": score, "Organization": "", "Started at": ""}


EPOCH = [
    _epoch("gpt-4o-mini-2024-07-18", "0.40"),
    _epoch("gpt-4o-mini-2024-07-18", "0.42"),
    _epoch("claude-sonnet-4-5-20250929_32K", "0.80"),
    _epoch("claude-sonnet-4-5-20250929", "0.75"),
    _epoch("qwen-plus-2025-07-28", "0.50"),
    _epoch("qwen-plus-2025-07-28_high", "0.55"),
]


def payload(name, rows):
    if name == "openrouter":
        return {"models": rows, "endpoints": {}}
    if name == "litellm":
        return dict(rows)
    return {"files": {"gpqa_diamond.csv": rows}, "other_files": []}


ROWS = {"openrouter": OPENROUTER, "litellm": list(LITELLM.items()), "epoch": EPOCH}


def sync(name, rows):
    source = get_source(name)
    apply_batch(screen_batch(source.normalize(payload(name, rows), known_catalog())), source=name)


def catalog():
    return {
        "models": sorted(LanguageModel.objects.values_list("slug", "snapshot_of__slug", "name").order_by("slug")),
        "aliases": sorted(ModelAlias.objects.values_list("source", "external_id", "model__slug")),
        "scores": sorted(
            BenchmarkScore.objects.values_list("model__slug", "benchmark__slug", "source", "version", "value")
        ),
        "routes": sorted(Offering.objects.values_list("model__slug", "provider__slug", "region", "status")),
        "prices": sorted(
            Price.objects.filter(effective_to__isnull=True).values_list(
                "offering__model__slug", "offering__provider__slug", "component", "service_tier", "usd", "source"
            )
        ),
    }


def sync_all(order, rows):
    with transaction.atomic():
        for _ in range(2):
            for name in order:
                sync(name, rows[name])
        state = catalog()
        transaction.set_rollback(True)
    return state


def test_any_source_order_and_row_order_gives_the_same_catalog(load_fixture_catalog):
    load_fixture_catalog()
    reference = sync_all(("openrouter", "litellm", "epoch"), ROWS)
    # the rules hold on the reference itself: a :free offer, a linked snapshot listed before its base, no router,
    # an alias_target alias, Epoch's settings kept apart and its dated ids on the undated model
    assert ("openai/gpt-4o-mini", "openrouter", "input", "free", 0, "openrouter") in [
        (m, p, c, t, int(u), s) for m, p, c, t, u, s in reference["prices"]
    ]
    assert ("qwen/qwen-plus-2025-07-28", "qwen/qwen-plus", "Qwen Plus 0728") in reference["models"]
    assert not [slug for slug, *_ in reference["models"] if slug.startswith(("openrouter/", "~"))]
    assert ("openrouter", "~openai/gpt-mini-latest", "openai/gpt-4o-mini") in reference["aliases"]
    epoch = {(m, v) for m, b, s, v, _ in reference["scores"] if s == "epoch"}
    assert epoch == {
        ("openai/gpt-4o-mini", "Epoch AI harness"),
        ("anthropic/claude-sonnet-4-5", "Epoch AI harness"),
        ("anthropic/claude-sonnet-4-5", "Epoch AI harness, 32K thinking budget"),
        ("qwen/qwen-plus", "Epoch AI harness"),
        ("qwen/qwen-plus", "Epoch AI harness, high reasoning effort"),
    }

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        order=st.permutations(("openrouter", "litellm", "epoch")),
        openrouter=st.permutations(OPENROUTER),
        litellm=st.permutations(list(LITELLM.items())),
        epoch=st.permutations(EPOCH),
    )
    def same_catalog(order, openrouter, litellm, epoch):
        state = sync_all(tuple(order), {"openrouter": openrouter, "litellm": litellm, "epoch": epoch})
        assert state == reference

    same_catalog()


def summary(batch):
    """What a normalized batch says, independent of list order."""
    return sorted(
        (
            m.slug,
            m.snapshot_of,
            m.name,
            m.context_window,
            tuple(sorted(m.aliases)),
            tuple(sorted((s.benchmark, s.version, s.value) for s in m.scores)),
            tuple(
                sorted(
                    (o.provider, o.region, p.component, p.service_tier, p.tier_min_tokens, p.usd)
                    for o in m.offerings
                    for p in o.prices
                )
            ),
        )
        for m in batch.models
    ) + sorted((u.external_id, u.candidate) for u in batch.unmatched)


@settings(max_examples=5, deadline=None)
@given(seed=st.randoms(use_true_random=False))
def test_the_real_files_normalize_the_same_in_any_row_order(seed):
    """Row order of the real OpenRouter, LiteLLM and Epoch files changes nothing the identity step decides."""
    import json

    import pytest

    from providers.sync.sources.base import Known
    from tests.conftest import SHARED_DATA

    shared = SHARED_DATA
    if not shared.is_dir():
        pytest.skip(f"the shared real-data folder {shared} is not present on this machine")
    known = Known(
        labs=frozenset({"openai", "anthropic", "google", "meta", "qwen"}),
        providers=frozenset({"openai", "anthropic", "azure-openai", "openrouter", "vercel-ai-gateway"}),
        models=frozenset({"openai/gpt-4o-mini", "anthropic/claude-opus-4", "google/gemini-2.5-pro"}),
    )
    openrouter = json.loads((shared / "openrouter" / "models-2026-05-15.json").read_text())["data"]
    litellm = list(json.loads((shared / "litellm" / "prices-subset-2026-08-01.json").read_text()).items())
    import csv

    epoch_rows = list(csv.DictReader((shared / "epoch" / "gpqa_diamond.csv").open(encoding="utf-8-sig")))
    for name, rows in (("openrouter", openrouter), ("litellm", litellm), ("epoch", epoch_rows)):
        source = get_source(name)
        before = summary(source.normalize(payload(name, rows), known))
        shuffled = list(rows)
        seed.shuffle(shuffled)
        assert summary(source.normalize(payload(name, shuffled), known)) == before, name
