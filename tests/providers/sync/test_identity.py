"""One model, many ids: the deterministic rules of providers/sync/identity.py."""

import pytest

from providers.sync.identity import IdentityIndex, resolve_identities
from providers.sync.records import Batch, ModelRecord, OfferingRecord
from providers.sync.sources.base import Known

KNOWN = Known(
    labs=frozenset({"openai", "anthropic", "meta", "google"}),
    models=frozenset(
        {"openai/gpt-4o-mini", "anthropic/claude-3-5-sonnet", "meta/llama-3.3-70b-instruct", "google/gemini-2.5-pro"}
    ),
    aliases={("litellm", "gpt-4o-mini-2024-07-18"): "openai/gpt-4o-mini"},
)


@pytest.mark.parametrize(
    ("source", "external_id", "slug", "rule"),
    [
        ("litellm", "gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini", "alias"),  # a curator's alias wins
        ("modelsdev", "gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini", "alias"),  # ...and is known to other sources
        ("openrouter", "openai/gpt-4o-mini", "openai/gpt-4o-mini", "canonical"),
        ("litellm", "openrouter/openai/gpt-4o-mini", "openai/gpt-4o-mini", "prefix"),
        ("litellm", "azure/gpt-4o-mini", "openai/gpt-4o-mini", "bare"),
        ("litellm", "gpt-4o-mini", "openai/gpt-4o-mini", "bare"),
        ("openrouter", "meta-llama/llama-3.3-70b-instruct", "meta/llama-3.3-70b-instruct", "prefix"),
        ("openrouter", "meta-llama/llama-3.3-70b-instruct:free", "meta/llama-3.3-70b-instruct", "prefix"),
        ("openrouter", "anthropic/claude-3.5-sonnet", "anthropic/claude-3-5-sonnet", "normalized"),  # dots vs dashes
        ("vercel", "google/Gemini-2.5-Pro", "google/gemini-2.5-pro", "normalized"),
    ],
)
def test_it_resolves_every_source_id_to_one_model(source, external_id, slug, rule):
    resolution = IdentityIndex(KNOWN).resolve(source, external_id)
    assert (resolution.slug, resolution.rule) == (slug, rule)


def test_a_dated_snapshot_is_its_own_model_linked_to_the_undated_one():
    resolution = IdentityIndex(KNOWN).resolve("litellm", "claude-3-5-sonnet-20241022")
    assert resolution.slug == "anthropic/claude-3-5-sonnet-20241022"
    assert resolution.snapshot_of == "anthropic/claude-3-5-sonnet"


def test_a_four_digit_suffix_is_a_version_not_a_snapshot_date():
    assert IdentityIndex(KNOWN).resolve("litellm", "gpt-4o-mini-0905").slug == ""


def test_an_unknown_id_from_a_non_creating_source_is_unmatched_with_a_candidate():
    batch = Batch(models=[ModelRecord(external_id="gpt-4o-mni", offerings=[OfferingRecord("openai", "gpt-4o-mni")])])
    resolve_identities(batch, KNOWN, source="litellm", creates_models=False)
    assert batch.models == []
    [unmatched] = batch.unmatched
    assert (unmatched.external_id, unmatched.candidate) == ("gpt-4o-mni", "openai/gpt-4o-mini")
    assert unmatched.candidate_score > 0.9


def test_a_creating_source_makes_a_new_model_and_lab():
    batch = Batch(models=[ModelRecord(external_id="z-ai/glm-4.6:free", lab_name="Z.AI")])
    resolve_identities(batch, KNOWN, source="openrouter", creates_models=True)
    assert [m.slug for m in batch.models] == ["z-ai/glm-4.6"]
    assert [(lab.slug, lab.name) for lab in batch.labs] == [("z-ai", "Z.AI")]


def test_records_of_one_model_merge_and_a_second_route_on_one_provider_is_skipped():
    batch = Batch(
        models=[
            ModelRecord(
                external_id="gpt-4o-mini", context_window=128000, offerings=[OfferingRecord("openai", "gpt-4o-mini")]
            ),
            ModelRecord(
                external_id="gpt-4o-mini-2024-07-18",
                max_output_tokens=16384,
                offerings=[OfferingRecord("openai", "gpt-4o-mini-2024-07-18")],
            ),
            ModelRecord(external_id="azure/gpt-4o-mini", offerings=[OfferingRecord("azure-openai", "gpt-4o-mini")]),
        ]
    )
    resolve_identities(batch, KNOWN, source="litellm", creates_models=False)
    [mini] = batch.models
    assert (mini.context_window, mini.max_output_tokens) == (128000, 16384)
    assert [o.provider for o in mini.offerings] == ["openai", "azure-openai"]
    assert set(mini.aliases) == {
        ("litellm", "gpt-4o-mini"),
        ("litellm", "gpt-4o-mini-2024-07-18"),
        ("litellm", "azure/gpt-4o-mini"),
    }
    assert batch.skipped == {"duplicate route: same model and provider under another id": 1}


def test_a_free_variant_from_any_source_is_a_free_tier_and_loses_free_in_its_name():
    """models.dev's and LiteLLM's copies of an OpenRouter `:free` model get what the OpenRouter adapter's do."""
    import datetime as dt
    from decimal import Decimal

    from providers.models import ServiceTier
    from providers.sync.identity import _as_free_offer
    from providers.sync.records import PriceRecord

    price = PriceRecord("input", "per_1m_tokens", Decimal(0), "https://models.dev", dt.date(2026, 1, 1))
    record = ModelRecord(
        external_id="meta-llama/llama-3.3-70b-instruct:free",
        name="Llama 3.3 70B Instruct (free)",
        offerings=[OfferingRecord(provider="openrouter", provider_model_id="x:free", prices=[price])],
    )
    _as_free_offer(record)
    assert record.name == "Llama 3.3 70B Instruct"
    assert price.service_tier == ServiceTier.FREE
