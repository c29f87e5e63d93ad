"""The workload cost engine: exact Decimal arithmetic over price rows, tiers, cache, batch and missing prices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import LanguageModel
from providers.models import Offering, Price, Provider
from providers.pricing.costing import (
    RouteFilter,
    Workload,
    WorkloadError,
    cheapest_per_model,
    estimate,
    live_routes,
    rank_routes,
)
from tests.factories import build_catalog


def price(component: str, usd: str, *, above: int = 0, tier: str = "standard") -> Price:
    unit = "per_request" if component == "request" else "per_1m_tokens"
    return Price(component=component, unit=unit, usd=Decimal(usd), tier_min_tokens=above, service_tier=tier)


def route(
    *prices: Price,
    provider: str = "Lab API",
    kind: str = "first_party",
    model: str = "Model",
    model_pk: int = 1,
    pk: int = 1,
    context: int | None = None,
    model_context: int | None = None,
    max_output: int | None = None,
) -> Offering:
    """An unsaved route with its prices in `current_prices`, as `live_routes` loads them."""
    offering = Offering(
        pk=pk,
        provider=Provider(slug=provider.lower().replace(" ", "-"), name=provider, kind=kind),
        model=LanguageModel(pk=model_pk, slug=f"lab/{model.lower()}", name=model, context_window=model_context),
        provider_model_id=model.lower(),
        context_window=context,
        max_output_tokens=max_output,
    )
    offering.current_prices = list(prices)
    return offering


MINI = (price("input", "0.15"), price("output", "0.60"), price("cache_read", "0.075"))
# Claude Sonnet 4.5 on Anthropic's API: every token of a request above 200K prompt tokens at the higher rates.
SONNET = (
    price("input", "3"),
    price("output", "15"),
    price("cache_read", "0.30"),
    price("cache_write_5m", "3.75"),
    price("input", "6", above=200_000),
    price("output", "22.5", above=200_000),
    price("cache_read", "0.60", above=200_000),
    price("cache_write_5m", "7.50", above=200_000),
)


def test_it_prices_input_and_output_per_million_tokens():
    cost = estimate(route(*MINI), Workload(requests_per_month=100_000, input_tokens=1_000, output_tokens=300))
    # 1,000 x $0.15/1M + 300 x $0.60/1M = $0.00033 a request; x 100,000 = $33.
    assert cost.per_request_usd == Decimal("0.00033")
    assert cost.monthly_usd == Decimal("33")
    assert [(line.component, line.per_request, line.monthly_usd) for line in cost.lines] == [
        ("input", Decimal(1000), Decimal("15")),
        ("output", Decimal(300), Decimal("18")),
    ]
    assert cost.complete
    assert cost.usable
    assert cost.missing == ()


def test_a_prompt_of_exactly_the_threshold_stays_on_the_base_rates():
    cost = estimate(route(*SONNET), Workload(requests_per_month=1, input_tokens=200_000, output_tokens=1_000))
    assert [(line.component, line.rate_usd, line.tier_min_tokens) for line in cost.lines] == [
        ("input", Decimal("3"), 0),
        ("output", Decimal("15"), 0),
    ]
    # 200,000 x $3/1M + 1,000 x $15/1M
    assert cost.monthly_usd == Decimal("0.615")
    assert cost.tier_min_tokens == 0


def test_one_token_above_the_threshold_bills_the_whole_request_at_the_tier_rates():
    cost = estimate(route(*SONNET), Workload(requests_per_month=1, input_tokens=200_001, output_tokens=1_000))
    assert [(line.component, line.rate_usd, line.tier_min_tokens) for line in cost.lines] == [
        ("input", Decimal("6"), 200_000),
        ("output", Decimal("22.5"), 200_000),
    ]
    # 200,001 x $6/1M + 1,000 x $22.50/1M: every input token at the higher rate, not just the ones above 200K.
    assert cost.monthly_usd == Decimal("1.222506")
    assert cost.tier_min_tokens == 200_000
    assert cost.missing == ()


def test_the_highest_threshold_the_prompt_is_above_wins():
    tiers = (price("input", "1"), price("input", "2", above=128_000), price("input", "4", above=256_000))
    rates = [
        estimate(route(*tiers), Workload(requests_per_month=1, input_tokens=tokens, output_tokens=0)).lines[0].rate_usd
        for tokens in (128_000, 128_001, 256_000, 256_001)
    ]
    assert rates == [Decimal("1"), Decimal("2"), Decimal("2"), Decimal("4")]


def test_a_component_without_a_tier_price_keeps_its_base_rate_with_a_note():
    prices = (price("input", "3"), price("output", "15"), price("input", "6", above=200_000))
    cost = estimate(route(*prices), Workload(requests_per_month=1, input_tokens=300_000, output_tokens=1_000))
    output = cost.lines[1]
    assert (output.rate_usd, output.tier_min_tokens) == (Decimal("15"), 0)
    assert output.note == "No output price above 200,000 prompt tokens: the base rate used."
    assert cost.complete
    assert cost.caveats == ["partial long-context rates"]


def test_the_cached_share_is_billed_at_the_cache_read_rate_and_writes_at_the_write_rate():
    workload = Workload(
        requests_per_month=100_000,
        input_tokens=1_000,
        output_tokens=300,
        cached_share=Decimal("0.5"),
        cache_write_tokens=100,
    )
    cost = estimate(route(*SONNET), workload)
    assert [(line.component, line.per_request, line.rate_usd) for line in cost.lines] == [
        ("input", Decimal(400), Decimal("3")),  # 1,000 - 500 cached - 100 written
        ("cache_read", Decimal(500), Decimal("0.30")),
        ("cache_write_5m", Decimal(100), Decimal("3.75")),
        ("output", Decimal(300), Decimal("15")),
    ]
    # (400 x 3 + 500 x 0.30 + 100 x 3.75 + 300 x 15) / 1M = $0.006225 a request
    assert cost.per_request_usd == Decimal("0.006225")
    assert cost.monthly_usd == Decimal("622.5")


def test_cached_tokens_count_toward_the_threshold_and_get_the_tier_cache_rate():
    workload = Workload(requests_per_month=1, input_tokens=250_000, output_tokens=0, cached_share=Decimal("0.8"))
    cost = estimate(route(*SONNET), workload)
    assert [(line.component, line.per_request, line.rate_usd) for line in cost.lines] == [
        ("input", Decimal(50_000), Decimal("6")),
        ("cache_read", Decimal(200_000), Decimal("0.60")),
    ]
    assert cost.monthly_usd == Decimal("0.42")  # 50,000 x 6/1M + 200,000 x 0.60/1M


def test_a_route_without_cache_prices_bills_cached_and_written_tokens_at_the_input_rate():
    prices = (price("input", "0.15"), price("output", "0.60"))
    workload = Workload(
        requests_per_month=1_000,
        input_tokens=1_000,
        output_tokens=0,
        cached_share=Decimal("0.25"),
        cache_write_tokens=100,
    )
    cost = estimate(route(*prices), workload)
    assert [(line.component, line.priced_as, line.rate_usd) for line in cost.lines] == [
        ("input", "input", Decimal("0.15")),
        ("cache_read", "input", Decimal("0.15")),
        ("cache_write_5m", "input", Decimal("0.15")),
    ]
    assert cost.monthly_usd == Decimal("0.15")  # as if nothing were cached
    assert [item.message for item in cost.missing] == [
        "No cache-read price: the input rate used.",
        "No 5-minute cache-write price: the input rate used.",
    ]
    assert cost.complete
    assert cost.caveats == ["no cache price"]


def test_batch_uses_the_batch_prices():
    prices = (*MINI, price("input", "0.075", tier="batch"), price("output", "0.30", tier="batch"))
    workload = Workload(requests_per_month=100_000, input_tokens=1_000, output_tokens=300, batch=True)
    cost = estimate(route(*prices), workload)
    assert [line.service_tier for line in cost.lines] == ["batch", "batch"]
    assert cost.monthly_usd == Decimal("16.5")
    assert cost.batch_priced
    assert cost.missing == ()


def test_batch_on_a_route_without_batch_prices_is_priced_at_standard_with_one_note():
    workload = Workload(requests_per_month=100_000, input_tokens=1_000, output_tokens=300, batch=True)
    cost = estimate(route(*MINI), workload)
    assert cost.monthly_usd == Decimal("33")
    assert [line.service_tier for line in cost.lines] == ["standard", "standard"]
    assert cost.route_notes == ["No batch price: the standard rates used."]
    assert cost.complete
    assert not cost.batch_priced
    assert cost.caveats == ["no batch price"]


def test_batch_falls_back_to_standard_for_a_component_without_a_batch_price():
    prices = (*MINI, price("input", "0.075", tier="batch"), price("output", "0.30", tier="batch"))
    workload = Workload(
        requests_per_month=1_000_000, input_tokens=1_000, output_tokens=0, cached_share=Decimal("0.5"), batch=True
    )
    cost = estimate(route(*prices), workload)
    assert [(line.component, line.service_tier, line.rate_usd) for line in cost.lines] == [
        ("input", "batch", Decimal("0.075")),
        ("cache_read", "standard", Decimal("0.075")),
    ]
    assert [item.message for item in cost.missing] == ["No batch cache-read price: the standard rate used."]


def test_batch_without_a_long_context_tier_uses_the_standard_tier_rate():
    prices = (*SONNET, price("input", "1.5", tier="batch"), price("output", "7.5", tier="batch"))
    cost = estimate(route(*prices), Workload(requests_per_month=1, input_tokens=300_000, output_tokens=0, batch=True))
    [line] = cost.lines
    assert (line.service_tier, line.rate_usd, line.tier_min_tokens) == ("standard", Decimal("6"), 200_000)
    assert line.note == "No batch input price above 200,000 prompt tokens: the standard long-context rate used."


def test_a_per_request_fee_is_added_to_every_request():
    prices = (*MINI, price("request", "0.005"))
    cost = estimate(route(*prices), Workload(requests_per_month=1_000, input_tokens=1_000, output_tokens=0))
    assert [(line.component, line.per_request, line.monthly_usd) for line in cost.lines] == [
        ("input", Decimal(1000), Decimal("0.15")),
        ("request", Decimal(1), Decimal("5")),
    ]
    assert cost.monthly_usd == Decimal("5.15")


def test_a_route_missing_a_needed_price_cannot_be_priced_and_ranks_last():
    no_output = route(price("input", "0.01"), provider="Cheap host", kind="inference_host", pk=2)
    workload = Workload(requests_per_month=10, input_tokens=1_000, output_tokens=10)
    ranked = rank_routes([no_output, route(*MINI)], workload)
    assert [cost.offering.pk for cost in ranked] == [1, 2]
    last = ranked[-1]
    assert not last.complete
    assert not last.usable
    assert last.absent == ["output price"]
    assert last.missing[0].message == "No output price: this route cannot be priced for this workload."
    # The output price is not needed when no output is asked for.
    assert estimate(no_output, Workload(requests_per_month=10, input_tokens=1_000, output_tokens=0)).complete


def test_ties_go_to_the_labs_own_api_then_by_name():
    routes = [
        route(*MINI, provider="Zed Gateway", kind="gateway", pk=1),
        route(*MINI, provider="Acme Cloud", kind="cloud", pk=2),
        route(*MINI, provider="OpenAI API", kind="first_party", pk=3),
        route(price("input", "0.10"), price("output", "0.10"), provider="Budget", kind="gateway", pk=4),
    ]
    ranked = rank_routes(routes, Workload())
    assert [cost.offering.provider.name for cost in ranked] == ["Budget", "OpenAI API", "Acme Cloud", "Zed Gateway"]


def test_requests_larger_than_the_context_window_make_a_route_unusable():
    small = route(*MINI, context=None, model_context=128_000)
    fits = estimate(small, Workload(requests_per_month=1, input_tokens=127_000, output_tokens=1_000))
    too_big = estimate(small, Workload(requests_per_month=1, input_tokens=127_001, output_tokens=1_000))
    assert fits.usable
    assert too_big.complete
    assert not too_big.usable
    assert too_big.unfit_reason == "127,001 input + 1,000 output tokens exceed its 128,000-token context window"
    # The route's own, shorter window counts before the model's.
    assert not estimate(route(*MINI, context=8_000, model_context=128_000), Workload(input_tokens=9_000)).usable
    capped = estimate(route(*MINI, max_output=256), Workload(output_tokens=300))
    assert capped.unfit_reason == "300 output tokens exceed its maximum output of 256"


def test_cheapest_per_model_takes_the_first_usable_route_of_each_model():
    routes = [
        route(*MINI, provider="A", model="Mini", model_pk=1, pk=1),
        route(price("input", "0.01"), provider="B", model="Mini", model_pk=1, pk=2),  # no output price
        route(*SONNET, provider="C", model="Sonnet", model_pk=2, pk=3),
    ]
    cheapest = cheapest_per_model(rank_routes(routes, Workload()))
    assert {model: cost.offering.pk for model, cost in cheapest.items()} == {1: 1, 2: 3}


def test_full_precision_is_kept_and_nothing_is_rounded():
    workload = Workload(requests_per_month=3, input_tokens=1_000, output_tokens=0, cached_share=Decimal("0.333"))
    cost = estimate(route(*MINI), workload)
    # 667 x 0.15 + 333 x 0.075 = 100.05 + 24.975 = 125.025 per 1M tokens -> $0.000125025 a request.
    assert cost.per_request_usd == Decimal("0.000125025")
    assert cost.monthly_usd == Decimal("0.000375075")
    one_token = estimate(route(*MINI), Workload(requests_per_month=1, input_tokens=1, output_tokens=0))
    assert one_token.monthly_usd == Decimal("0.00000015")
    assert sum(line.monthly_usd for line in cost.lines) == cost.monthly_usd


def test_a_free_route_costs_nothing_and_is_still_usable():
    cost = estimate(route(price("input", "0"), price("output", "0")), Workload())
    assert cost.monthly_usd == 0
    assert cost.usable


@pytest.mark.parametrize(
    "kwargs",
    [
        {"requests_per_month": -1},
        {"input_tokens": -5},
        {"output_tokens": 1.5},
        {"cache_write_tokens": True},
        {"cached_share": Decimal("1.01")},
        {"cached_share": Decimal("-0.1")},
        {"cached_share": 0.5},  # a float: money and shares are Decimal
        {"cached_share": Decimal("NaN")},
        {"input_tokens": 100, "cached_share": Decimal("0.5"), "cache_write_tokens": 51},
    ],
)
def test_an_impossible_workload_is_refused(kwargs):
    with pytest.raises(WorkloadError):
        Workload(**kwargs)


def test_the_default_workload_is_a_modest_chat():
    workload = Workload()
    assert (workload.requests_per_month, workload.input_tokens, workload.output_tokens) == (100_000, 1_000, 300)
    assert (workload.cached_share, workload.cache_write_tokens, workload.batch) == (Decimal(0), 0, False)


# The one read: every live route with its prices, in a constant number of queries.


def test_live_routes_loads_every_route_in_two_queries_whatever_the_catalog_size(db):
    def count(models: int) -> tuple[int, int]:
        build_catalog(models, routes=3)
        with CaptureQueriesContext(connection) as ctx:
            routes = live_routes()
            for offering in routes:  # touching what the engine and the pages read adds no query
                (offering.provider.name, offering.model.lab.name, len(offering.current_prices))
        return len(ctx.captured_queries), len(routes)

    assert count(2) == (2, 6)
    assert count(20) == (2, 60)


def test_live_routes_leave_out_retired_routes_and_retired_models(db):
    build_catalog(3, routes=2)
    Offering.objects.filter(model__slug="lab/model-0", provider__slug="prov-0").update(status="retired")
    LanguageModel.objects.filter(slug="lab/model-2").update(status="retired")
    assert sorted((o.model.slug, o.provider.slug) for o in live_routes()) == [
        ("lab/model-0", "prov-1"),
        ("lab/model-1", "prov-0"),
        ("lab/model-1", "prov-1"),
    ]


def test_live_routes_carry_only_current_prices(db):
    build_catalog(1, routes=1)
    [offering] = live_routes()
    assert sorted((p.component, p.service_tier, p.tier_min_tokens) for p in offering.current_prices) == [
        ("cache_read", "standard", 0),
        ("input", "batch", 0),
        ("input", "standard", 0),
        ("input", "standard", 200_000),
        ("output", "standard", 0),
    ]


@pytest.mark.parametrize(
    ("route_filter", "expected"),
    [
        (RouteFilter(), ["model-0", "model-1", "model-2"]),
        (RouteFilter(benchmark="mmlu"), ["model-0", "model-1", "model-2"]),
        (RouteFilter(benchmark="mmlu", min_score=Decimal("61")), ["model-1", "model-2"]),
        (RouteFilter(benchmark="mmlu", min_score=Decimal("63")), []),
        (RouteFilter(capability="tool_calling"), ["model-0", "model-1", "model-2"]),
        (RouteFilter(capability="reasoning"), []),
        (RouteFilter(input_modality="image"), ["model-0", "model-1", "model-2"]),
        (RouteFilter(input_modality="audio"), []),
        (RouteFilter(min_context_tokens=128_000), ["model-0", "model-1", "model-2"]),
        (RouteFilter(min_context_tokens=128_001), []),
        (RouteFilter(lab="lab"), ["model-0", "model-1", "model-2"]),
        (RouteFilter(lab="other"), []),
        (RouteFilter(model_ids=()), []),
    ],
)
def test_live_routes_filter_by_model_facts(db, route_filter, expected):
    build_catalog(3, routes=1)  # MMLU scores 60, 61, 62; 128K context; text and image in; tool calling
    assert [o.model.slug.split("/")[1] for o in live_routes(route_filter)] == expected


def test_the_benchmark_bar_holds_for_one_score_row(db):
    """The benchmark and the bar must hold for the same score: a high score on another benchmark does not count."""
    from benchmarks.models import Benchmark, BenchmarkScore

    build_catalog(2, routes=1)  # MMLU: model-0 scores 60, model-1 scores 61
    model_0 = LanguageModel.objects.get(slug="lab/model-0")
    gpqa = Benchmark.objects.create(slug="gpqa", name="GPQA", category="reasoning", metric="accuracy")
    BenchmarkScore.objects.create(model=model_0, benchmark=gpqa, value=Decimal(99), source="x", self_reported=False)
    passing = live_routes(RouteFilter(benchmark="mmlu", min_score=Decimal(61)))
    assert [o.model.slug for o in passing] == ["lab/model-1"]


def test_a_bar_on_a_lower_is_better_benchmark_is_a_ceiling(db):
    from benchmarks.models import Benchmark, BenchmarkScore

    build_catalog(2, routes=1)
    latency = Benchmark.objects.create(
        slug="latency", name="Latency", category="agentic", metric="seconds", higher_is_better=False
    )
    model_0 = LanguageModel.objects.get(slug="lab/model-0")
    BenchmarkScore.objects.create(model=model_0, benchmark=latency, value=Decimal(5), source="x", self_reported=False)
    at_most_6 = live_routes(RouteFilter(benchmark="latency", min_score=Decimal(6)))
    assert [o.model.slug for o in at_most_6] == ["lab/model-0"]
    assert live_routes(RouteFilter(benchmark="latency", min_score=Decimal(4))) == []


def test_live_routes_filter_by_provider_and_route_context(db):
    build_catalog(2, routes=2)
    assert {o.provider.slug for o in live_routes(RouteFilter(provider="prov-1"))} == {"prov-1"}
    # A route that states a shorter window than its model's is judged by its own.
    Offering.objects.filter(model__slug="lab/model-0", provider__slug="prov-0").update(context_window=32_000)
    assert sorted((o.model.slug, o.provider.slug) for o in live_routes(RouteFilter(min_context_tokens=64_000))) == [
        ("lab/model-0", "prov-1"),
        ("lab/model-1", "prov-0"),
        ("lab/model-1", "prov-1"),
    ]


def test_the_engine_prices_the_routes_the_sync_wrote(load_fixture_catalog):
    load_fixture_catalog()
    ranked = rank_routes(live_routes(), Workload())
    assert [(c.offering.model.slug, c.offering.provider.slug, c.monthly_usd) for c in ranked] == [
        ("openai/gpt-4o-mini", "openai", Decimal("33")),
        ("openai/gpt-4o-mini", "openrouter", Decimal("33")),
        ("openai/gpt-4o-mini", "azure-openai", Decimal("36.3")),
        ("anthropic/claude-sonnet-4-5", "anthropic", Decimal("750")),
    ]
