"""Precedence: a curator outranks a first-party feed, which outranks an aggregator's copy; disagreements are kept
for curators instead of being silently resolved."""

import datetime as dt
from decimal import Decimal

import pytest

from catalog.models import LanguageModel
from providers.models import Disagreement, Price
from providers.sync.records import Batch, LabRecord, ModelRecord, OfferingRecord, PriceRecord, ProviderRecord
from providers.sync.run import run_sync
from providers.sync.sources import source_rank
from providers.sync.upsert import apply_batch
from tests.providers.conftest import load_fixture


def test_ranks():
    assert source_rank("curated") > source_rank("openrouter", "openrouter") > source_rank("openrouter", "openai")
    assert source_rank("vercel", "vercel-ai-gateway") > source_rank("vercel", "openai")
    assert source_rank("an admin edit") == source_rank("curated")


@pytest.fixture
def curated_then_openrouter(load_fixture_catalog, openrouter_feed):
    load_fixture_catalog()
    return openrouter_feed


def openrouter_price(model="openai/gpt-4o-mini", component="input", provider="openrouter"):
    return Price.objects.current().get(
        offering__model__slug=model, offering__provider__slug=provider, component=component
    )


def test_a_feed_never_overwrites_a_curated_price_and_fills_what_is_missing(curated_then_openrouter):
    run = run_sync("openrouter")
    assert run.status == "succeeded"
    assert openrouter_price().source == "curated"
    # The curated route had no cache price: OpenRouter's own figure fills the gap.
    cache = openrouter_price(component="cache_read")
    assert (cache.source, cache.usd) == ("openrouter", Decimal("0.075"))
    # Same figures on OpenRouter's route, and 2023-10 agrees with 2023-10-31; but OpenRouter's endpoint for Azure
    # says $0.15/$0.60 where the curated route says $0.165/$0.66 (a 9% gap): that is for a curator to see.
    assert set(Disagreement.objects.values_list("field", "other_value")) == {
        ("Azure OpenAI: input", "0.15"),
        ("Azure OpenAI: output", "0.6"),
    }


def test_a_different_price_from_a_lower_source_becomes_a_disagreement(curated_then_openrouter):
    page = load_fixture("openrouter", "models-page1.json")
    page["data"][0]["pricing"]["prompt"] = "0.0000002"
    curated_then_openrouter.add("/api/v1/models", page)
    run_sync("openrouter")
    assert openrouter_price().usd == Decimal("0.15")
    disagreement = Disagreement.objects.get(field="OpenRouter: input")
    assert (disagreement.field, disagreement.kept_value, disagreement.kept_source) == (
        "OpenRouter: input",
        "0.15",
        "curated",
    )
    assert (disagreement.other_value, disagreement.other_source) == ("0.2", "openrouter")
    # Seen again: still one open disagreement.
    run_sync("openrouter")
    assert Disagreement.objects.filter(field="OpenRouter: input").count() == 1


def test_a_small_price_difference_is_not_a_disagreement(curated_then_openrouter):
    page = load_fixture("openrouter", "models-page1.json")
    page["data"][0]["pricing"]["prompt"] = "0.000000155"  # 3% off
    curated_then_openrouter.add("/api/v1/models", page)
    run_sync("openrouter")
    assert not Disagreement.objects.filter(field__startswith="OpenRouter:").exists()


def test_a_different_fact_from_a_lower_source_becomes_a_disagreement(curated_then_openrouter):
    page = load_fixture("openrouter", "models-page1.json")
    page["data"][0]["knowledge_cutoff"] = "2023-09-30"
    page["data"][0]["context_length"] = 131072
    curated_then_openrouter.add("/api/v1/models", page)
    run_sync("openrouter")
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    assert (mini.knowledge_cutoff, mini.context_window) == ("2023-10", 128000)
    found = dict(Disagreement.objects.exclude(offering__isnull=False).values_list("field", "other_value"))
    assert found == {"knowledge_cutoff": "2023-09-30", "context_window": "131072"}


def test_a_feed_updates_what_it_set_itself(db, openrouter_feed):
    run_sync("openrouter")
    page = load_fixture("openrouter", "models-page2.json")
    page["data"][1]["context_length"] = 262144  # z-ai/glm-4.6, a model OpenRouter introduced
    openrouter_feed.add("/api/v1/models?offset=5", page)
    run_sync("openrouter")
    glm = LanguageModel.objects.get(slug="z-ai/glm-4.6")
    assert glm.context_window == 262144
    assert glm.field_sources["context_window"] == "openrouter"


def test_a_locked_fact_is_never_overwritten_and_the_feed_value_is_kept_for_review(db, openrouter_feed):
    run_sync("openrouter")
    glm = LanguageModel.objects.get(slug="z-ai/glm-4.6")
    glm.context_window = 200000
    glm.locked_fields = {"context_window": {"by": "ana", "at": "2026-11-22T10:00:00+00:00"}}
    glm.save()
    run = run_sync("openrouter")
    glm.refresh_from_db()
    assert glm.context_window == 200000
    assert run.counts["model"].get("updated", 0) == 0
    disagreement = Disagreement.objects.get(model=glm)
    assert (disagreement.kept_source, disagreement.other_value) == ("curator lock", "202752")


def _route_batch(price: str, provider: str = "vercel-ai-gateway") -> Batch:
    return Batch(
        labs=[LabRecord(slug="openai", name="OpenAI")],
        providers=[ProviderRecord(slug=provider, name="Vercel AI Gateway", kind="gateway")],
        models=[
            ModelRecord(
                slug="openai/gpt-4o-mini",
                lab="openai",
                name="GPT-4o mini",
                offerings=[
                    OfferingRecord(
                        provider=provider,
                        provider_model_id="openai/gpt-4o-mini",
                        prices=[
                            PriceRecord(
                                component="input",
                                unit="per_1m_tokens",
                                usd=Decimal(price),
                                source_url="https://example.com",
                                verified_on=dt.date(2026, 11, 1),
                            ),
                        ],
                    ),
                ],
            )
        ],
    )


def test_a_first_party_feed_outranks_an_aggregators_copy_of_its_route(db):
    apply_batch(_route_batch("0.15"), source="openrouter")  # an aggregator's copy of Vercel's price
    apply_batch(_route_batch("0.16"), source="vercel")  # Vercel's own figure replaces it
    price = openrouter_price(provider="vercel-ai-gateway")
    assert (price.usd, price.source) == (Decimal("0.16"), "vercel")
    apply_batch(_route_batch("0.30"), source="openrouter")  # the copy cannot take it back
    price = openrouter_price(provider="vercel-ai-gateway")
    assert (price.usd, price.source) == (Decimal("0.16"), "vercel")
    assert Disagreement.objects.get().other_value == "0.3"


def test_two_aggregators_do_not_flip_a_price_back_and_forth(db):
    apply_batch(_route_batch("0.15", provider="azure-openai"), source="openrouter")
    apply_batch(_route_batch("0.17", provider="azure-openai"), source="vercel")
    assert openrouter_price(provider="azure-openai").usd == Decimal("0.15")
    assert Price.objects.filter(offering__provider__slug="azure-openai").count() == 1
