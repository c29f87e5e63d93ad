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
    # On a route whose provider publishes its own feed, that feed is the first party: above the curated files, which
    # stay above every aggregator; a person's edit (a lock) stays above all.
    for provider, feed in (("openrouter", "openrouter"), ("vercel-ai-gateway", "vercel")):
        assert source_rank("curator", provider) > source_rank(feed, provider) > source_rank("curated", provider)
        assert source_rank("curated", provider) > source_rank("litellm", provider)
    assert source_rank("curated", "openai") == source_rank("curated")


@pytest.fixture
def curated_then_openrouter(load_fixture_catalog, openrouter_feed):
    load_fixture_catalog()
    return openrouter_feed


def openrouter_price(model="openai/gpt-4o-mini", component="input", provider="openrouter"):
    return Price.objects.current().get(
        offering__model__slug=model, offering__provider__slug=provider, component=component
    )


def test_a_first_party_feed_replaces_a_curated_price_on_its_own_route_only(curated_then_openrouter):
    run = run_sync("openrouter")
    assert run.status == "succeeded"
    # The same figure on OpenRouter's route: it now credits the source that states it, OpenRouter itself.
    assert openrouter_price().source == "openrouter"
    # The curated route had no cache price: OpenRouter's own figure fills the gap.
    cache = openrouter_price(component="cache_read")
    assert (cache.source, cache.usd) == ("openrouter", Decimal("0.075"))
    # 2023-10 agrees with 2023-10-31; but OpenRouter's endpoint for Azure says $0.15/$0.60 where the curated route
    # (no Azure feed: the curated files are its first party) says $0.165/$0.66, a 9% gap: that is for a curator.
    assert set(Disagreement.objects.values_list("field", "other_value")) == {
        ("Azure OpenAI: input", "0.15"),
        ("Azure OpenAI: output", "0.6"),
    }
    assert openrouter_price(provider="azure-openai").source == "curated"


def test_a_first_party_feed_changes_a_stale_curated_figure_on_its_route(curated_then_openrouter):
    page = load_fixture("openrouter", "models-page1.json")
    page["data"][0]["pricing"]["prompt"] = "0.0000002"
    curated_then_openrouter.add("/api/v1/models", page)
    run_sync("openrouter")
    price = openrouter_price()
    assert (price.usd, price.source) == (Decimal("0.2"), "openrouter")
    assert not Disagreement.objects.filter(field__startswith="OpenRouter:").exists()


def test_a_curators_edit_is_a_lock_even_on_a_feeds_own_route(curated_then_openrouter):
    from django.contrib.auth.models import User

    from providers import curation

    route = openrouter_price().offering
    ana = User.objects.create_user("ana", is_staff=True)
    curation.set_price(route, component="input", unit="per_1m_tokens", usd=Decimal("0.14"), user=ana)
    page = load_fixture("openrouter", "models-page1.json")
    page["data"][0]["pricing"]["prompt"] = "0.0000002"
    curated_then_openrouter.add("/api/v1/models", page)
    run_sync("openrouter")
    assert (openrouter_price().usd, openrouter_price().source) == (Decimal("0.14"), "curator")
    disagreement = Disagreement.objects.get(field="OpenRouter: input")
    assert (disagreement.kind, disagreement.component, disagreement.service_tier, disagreement.tier_min_tokens) == (
        "price",
        "input",
        "standard",
        0,
    )
    assert (disagreement.kept_value, disagreement.other_value, disagreement.other_source) == (
        "0.14",
        "0.2",
        "openrouter",
    )
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
    page["data"][0]["knowledge_cutoff"] = "2024-06-30"
    page["data"][0]["context_length"] = 200000
    curated_then_openrouter.add("/api/v1/models", page)
    run_sync("openrouter")
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    assert (mini.knowledge_cutoff, mini.context_window) == ("2023-10", 128000)
    found = dict(Disagreement.objects.filter(kind="model_fact").values_list("fact", "other_value"))
    # OpenRouter lists OpenAI's own endpoint for this model, so its context length speaks for the model too.
    assert found == {"knowledge_cutoff": "2024-06-30", "context_window": "200000"}


def test_facts_within_their_tolerance_are_not_disagreements(curated_then_openrouter):
    page = load_fixture("openrouter", "models-page1.json")
    page["data"][0]["knowledge_cutoff"] = "2023-09-30"  # a day before the curated month
    curated_then_openrouter.add("/api/v1/models", page)
    run_sync("openrouter")
    assert not Disagreement.objects.filter(kind="model_fact").exists()


@pytest.mark.parametrize(
    ("kept", "other", "same"),
    [
        (131_072, 131_100, True),
        (1_048_576, 1_000_000, True),
        (128_000, 131_072, True),
        (262_144, 250_000, True),
        (128_000, 200_000, False),
        (1_000_000, 2_000_000, False),
    ],
)
def test_token_count_tolerance(kept, other, same):
    from providers.sync.upsert.base import _same

    assert _same("context_window", kept, other) is same
    assert _same("max_output_tokens", kept, other) is same


@pytest.mark.parametrize(
    ("name", "kept", "other", "same"),
    [
        ("release_date", dt.date(2024, 7, 18), dt.date(2024, 7, 25), True),
        ("release_date", dt.date(2024, 7, 18), dt.date(2024, 8, 18), True),
        ("release_date", dt.date(2024, 7, 18), dt.date(2024, 9, 1), False),
        ("knowledge_cutoff", "2023-10", "2023-09", True),
        ("knowledge_cutoff", "2023-10", "2023-10-31", True),
        ("knowledge_cutoff", "2023-10", "2024-06", False),
    ],
)
def test_date_tolerance(name, kept, other, same):
    from providers.sync.upsert.base import _same

    assert _same(name, kept, other) is same


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
    glm.name = "GLM-4.6 (curated)"
    glm.context_window = 200000
    glm.locked_fields = {name: {"by": "ana", "at": "2026-11-22T10:00:00+00:00"} for name in ("name", "context_window")}
    glm.save()
    run = run_sync("openrouter")
    glm.refresh_from_db()
    assert (glm.name, glm.context_window) == ("GLM-4.6 (curated)", 200000)
    assert run.counts["model"].get("updated", 0) == 0
    # The name is disputed; OpenRouter's context length is its own route's limit, not the model's fact.
    disagreement = Disagreement.objects.get(model=glm)
    assert (disagreement.fact, disagreement.kept_source, disagreement.other_value) == (
        "name",
        "curator lock",
        "GLM 4.6",
    )


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
    outcome = apply_batch(_route_batch("0.30"), source="openrouter")  # the copy cannot take it back
    price = openrouter_price(provider="vercel-ai-gateway")
    assert (price.usd, price.source) == (Decimal("0.16"), "vercel")
    # Vercel is the authority on its own route: the stale copy is counted, not a question for a curator.
    assert not Disagreement.objects.exists()
    assert outcome.tally.by_kind["disagreement"]["first party kept"] == 1


def test_two_aggregators_do_not_flip_a_price_back_and_forth(db):
    apply_batch(_route_batch("0.15", provider="azure-openai"), source="openrouter")
    apply_batch(_route_batch("0.17", provider="azure-openai"), source="vercel")
    assert openrouter_price(provider="azure-openai").usd == Decimal("0.15")
    assert Price.objects.filter(offering__provider__slug="azure-openai").count() == 1


def _route(provider: str, *prices: tuple[str, str, int]) -> OfferingRecord:
    return OfferingRecord(
        provider=provider,
        provider_model_id="openai/gpt-4o-mini",
        prices=[
            PriceRecord(
                component=component,
                unit="per_1m_tokens",
                usd=Decimal(usd),
                tier_min_tokens=threshold,
                source_url="https://example.com",
                verified_on=dt.date(2026, 11, 1),
            )
            for component, usd, threshold in prices
        ],
    )


def _batch(*routes: OfferingRecord) -> Batch:
    return Batch(
        labs=[LabRecord(slug="openai", name="OpenAI")],
        providers=[
            ProviderRecord(slug=slug, name=name, kind=kind)
            for slug, name, kind in (
                ("openai", "OpenAI API", "first_party"),
                ("azure-openai", "Azure OpenAI", "cloud"),
                ("openrouter", "OpenRouter", "gateway"),
                ("vercel-ai-gateway", "Vercel AI Gateway", "gateway"),
            )
        ],
        models=[ModelRecord(slug="openai/gpt-4o-mini", lab="openai", name="GPT-4o mini", offerings=list(routes))],
    )


def _open(provider: str) -> dict[tuple[str, int], tuple[Decimal, str]]:
    return {
        (p.component, p.tier_min_tokens): (p.usd, p.source)
        for p in Price.objects.current().filter(offering__provider__slug=provider)
    }


def test_an_aggregator_may_not_add_a_component_to_a_route_whose_first_party_states_its_prices(db):
    apply_batch(_batch(_route("azure-openai", ("input", "0.165", 0))), source="curated")
    apply_batch(_batch(_route("azure-openai", ("input", "0.165", 0), ("cache_read", "0.08", 0))), source="litellm")
    assert _open("azure-openai") == {("input", 0): (Decimal("0.165"), "curated")}
    disagreement = Disagreement.objects.get()
    assert (disagreement.kind, disagreement.component, disagreement.kept_value, disagreement.other_value) == (
        "price",
        "cache_read",
        "",
        "0.08",
    )
    assert disagreement.kept_source == "curated"


def test_a_first_party_feed_closes_the_components_an_aggregator_added_that_it_does_not_list(db):
    # An aggregator's copy of OpenRouter's route came first, with a long-context tier OpenRouter does not state.
    apply_batch(_batch(_route("openrouter", ("input", "0.15", 0), ("input", "0.30", 128000))), source="litellm")
    apply_batch(_batch(_route("openrouter", ("input", "0.15", 0), ("output", "0.6", 0))), source="openrouter")
    assert _open("openrouter") == {
        ("input", 0): (Decimal("0.15"), "openrouter"),
        ("output", 0): (Decimal("0.6"), "openrouter"),
    }
    # Nor may the aggregator add it back; its stale copy is counted, not queued (the feed is the authority here).
    outcome = apply_batch(_batch(_route("openrouter", ("input", "0.2", 0), ("input", "0.3", 128000))), source="litellm")
    assert len(_open("openrouter")) == 2
    assert not Disagreement.objects.exists()
    assert outcome.tally.by_kind["disagreement"]["first party kept"] == 2


def test_a_route_whose_base_price_is_another_routes_long_context_price_is_flagged(db):
    apply_batch(
        _batch(
            _route("openai", ("input", "1.25", 0), ("input", "2.5", 200000)),
            _route("azure-openai", ("input", "1.25", 0)),
            _route("openrouter", ("input", "1.25", 0)),
            _route("vercel-ai-gateway", ("input", "2.5", 0)),
        ),
        source="curated",
    )
    flag = Disagreement.objects.get(other_source="cross-route check")
    assert flag.offering.provider.slug == "vercel-ai-gateway"
    assert (flag.component, flag.kept_value, flag.other_value) == ("input", "2.5", "1.25")
    # Seen again: still one flag.
    apply_batch(_batch(_route("vercel-ai-gateway", ("input", "2.5", 0))), source="curated")
    assert Disagreement.objects.filter(other_source="cross-route check").count() == 1


def test_route_limits_are_compared_with_route_limits_within_tolerance(db):
    def limits(provider: str, context: int) -> OfferingRecord:
        route = _route(provider, ("input", "0.15", 0))
        route.context_window = context
        return route

    apply_batch(_batch(limits("azure-openai", 128000)), source="modelsdev")
    apply_batch(_batch(limits("azure-openai", 131072)), source="litellm")  # within 2.5%: the same
    assert not Disagreement.objects.exists()
    apply_batch(_batch(limits("azure-openai", 64000)), source="litellm")
    route_fact = Disagreement.objects.get()
    assert (route_fact.kind, route_fact.fact, route_fact.kept_value, route_fact.other_value) == (
        "route_fact",
        "context_window",
        "128000",
        "64000",
    )


def test_a_first_party_route_listed_without_prices_leaves_the_aggregators_prices(db):
    apply_batch(_batch(_route("azure-openai")), source="curated")
    apply_batch(_batch(_route("azure-openai", ("input", "0.165", 0))), source="litellm")
    apply_batch(_batch(_route("azure-openai")), source="curated")
    assert _open("azure-openai") == {("input", 0): (Decimal("0.165"), "litellm")}
    again = apply_batch(_batch(_route("azure-openai", ("input", "0.165", 0))), source="litellm")
    assert (again.tally.total("created"), again.tally.total("updated")) == (0, 0)


def test_a_curated_figure_locked_with_a_reason_outranks_the_routes_own_feed(db):
    locked = _route("openrouter", ("input", "0.15", 0), ("output", "0.6", 0))
    locked.prices[0].locked = "OpenRouter's list price, confirmed with their support on 2026-11-30"
    apply_batch(_batch(locked), source="curated")
    outcome = apply_batch(_batch(_route("openrouter", ("input", "0.2", 0), ("output", "0.7", 0))), source="openrouter")
    assert _open("openrouter") == {
        ("input", 0): (Decimal("0.15"), "curated"),  # locked: kept, and the feed's figure is queued
        ("output", 0): (Decimal("0.7"), "openrouter"),  # not locked: the route's own feed wins
    }
    assert Disagreement.objects.get().other_value == "0.2"
    assert outcome.tally.by_kind["price"]["updated"] == 1


def test_a_curated_lock_needs_its_reason(tmp_path):
    from providers.sync.sources.curated import PRICING_KEYS, _InvalidError, _price

    defaults = {"source_url": "https://example.com", "source_name": "", "verified_at": dt.date(2026, 11, 1)}
    price = {"component": "input", "unit": "per_1m_tokens", "usd": "0.15"}
    assert _price({**price, "locked": "confirmed by mail"}, defaults).locked == "confirmed by mail"
    with pytest.raises(_InvalidError):
        _price({**price, "locked": " "}, defaults)
    assert PRICING_KEYS.status("locked") == "mapped"
