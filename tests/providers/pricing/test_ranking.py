"""The fast ranking (providers.pricing.ranking) agrees with the cost engine route for route, and its in-memory index of
rates follows every data change: a sync, an admin edit, a flushed cache."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import LanguageModel
from providers.models import Offering, Price
from providers.pricing.costing import RouteFilter, Workload, live_routes, rank_routes
from providers.pricing.ranking import rank_workload, route_index
from providers.sync.records import Batch, LabRecord, ModelRecord, OfferingRecord
from providers.sync.run import apply_batch, run_sync
from tests.factories import build_catalog, price, provider_records
from tests.providers.test_admin import form_data


def varied_catalog(seed: int, models: int = 24, routes: int = 4) -> None:
    """Routes whose price books differ in every way the engine cares about: cache and cache-write prices or none,
    batch rows for some components, long-context tiers for some, per-request fees, a missing output price, short
    context windows and output limits; and rates that tie, so the tie-break is exercised."""
    rng = random.Random(seed)
    batch = Batch(labs=[LabRecord(slug="lab", name="Lab")], providers=provider_records(routes))
    rates = [Decimal(value) for value in ("0.1", "0.15", "0.2", "0.5", "1", "3", "3")]
    for m in range(models):
        record = ModelRecord(
            slug=f"lab/m-{m}",
            lab="lab",
            name=f"M {m % 7}",  # repeated names: ties fall through to the route id
            context_window=rng.choice([None, 8_000, 128_000, 1_000_000]),
            max_output_tokens=rng.choice([None, 4_096, 64_000]),
            capabilities=rng.choice([["tool_calling"], ["vision"], []]),
        )
        for r in rng.sample(range(routes), rng.randint(1, routes)):
            rate = rng.choice(rates)
            prices = [price("input", str(rate))]
            if rng.random() > 0.1:
                prices.append(price("output", str(rate * 4)))
            if rng.random() > 0.4:
                prices.append(price("cache_read", str(rate / 10)))
            if rng.random() > 0.7:
                prices.append(price("cache_write_5m", str(rate * Decimal("1.25"))))
            if rng.random() > 0.6:
                prices.append(price("input", str(rate / 2), service_tier="batch"))
                if rng.random() > 0.5:
                    prices.append(price("output", str(rate * 2), service_tier="batch"))
            if rng.random() > 0.7:
                prices.append(price("input", str(rate * 2), tier_min_tokens=200_000))
                if rng.random() > 0.5:
                    prices.append(price("output", str(rate * 6), tier_min_tokens=200_000))
            if rng.random() > 0.85:
                prices.append(price("request", "0.001", unit="per_request"))
            record.offerings.append(
                OfferingRecord(
                    provider=f"prov-{r}",
                    provider_model_id=f"m-{m}",
                    context_window=rng.choice([None, None, 32_000]),
                    prices=prices,
                )
            )
        batch.models.append(record)
    apply_batch(batch, source="curated")


WORKLOADS = [
    Workload(),
    Workload(requests_per_month=7, input_tokens=250_000, output_tokens=5_000),
    Workload(input_tokens=20_000, output_tokens=2_000, cached_share=Decimal("0.333333"), cache_write_tokens=1_000),
    Workload(input_tokens=3_000, output_tokens=0, batch=True),
    Workload(requests_per_month=10**12, input_tokens=300_000, output_tokens=70_000, batch=True),
    Workload(input_tokens=0, output_tokens=0),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("workload", WORKLOADS, ids=range(len(WORKLOADS)))
def test_the_ranking_is_the_engines_route_for_route(db, seed, workload):
    varied_catalog(seed)
    engine = rank_routes(live_routes(), workload)
    usable = [cost for cost in engine if cost.usable]
    unpriced = [cost for cost in engine if not cost.complete]
    too_small = [cost for cost in engine if cost.complete and cost.unfit_reason]

    ranking = rank_workload(workload, limit=30, unranked_limit=1000)

    assert ranking.considered == len(engine)
    assert ranking.ranked_count == len(usable)
    assert [(c.offering.pk, c.monthly_usd) for c in ranking.results] == [
        (c.offering.pk, c.monthly_usd) for c in usable[:30]
    ]
    assert (ranking.unpriced_count, ranking.too_small_count) == (len(unpriced), len(too_small))
    assert {c.offering.pk for c in ranking.unpriced} == {c.offering.pk for c in unpriced}
    assert {c.offering.pk for c in ranking.too_small} == {c.offering.pk for c in too_small}
    # The shown costs are the engine's own, breakdown included.
    assert all(cost.lines for cost in ranking.results) or workload.input_tokens == 0


def test_the_catalog_in_these_tests_exercises_every_outcome(db):
    """Guard for the test above: its catalogs hold usable, unpriced and too-small routes, with fallbacks."""
    varied_catalog(1)
    costs = [cost for workload in WORKLOADS for cost in rank_routes(live_routes(), workload)]
    assert any(cost.usable for cost in costs)
    assert any(not cost.complete for cost in costs)
    assert any(cost.complete and cost.unfit_reason for cost in costs)
    assert {"no batch price", "no cache price", "partial long-context rates"} <= {
        caveat for cost in costs for caveat in cost.caveats
    }
    assert any(cost.tier_min_tokens for cost in costs)
    ranked = [cost.monthly_usd for cost in rank_routes(live_routes(), Workload()) if cost.usable]
    assert len(ranked) != len(set(ranked))  # equal costs, ordered by the tie-break


@pytest.mark.parametrize(
    "route_filter",
    [
        RouteFilter(capability="vision"),
        RouteFilter(provider="prov-1", min_context_tokens=100_000),
        RouteFilter(model_ids=()),
    ],
)
def test_filters_pick_the_same_routes_as_the_engines_read(db, route_filter):
    varied_catalog(4)
    engine = [cost for cost in rank_routes(live_routes(route_filter), Workload()) if cost.usable]
    ranking = rank_workload(Workload(), route_filter, limit=1000)
    assert ranking.considered == len(live_routes(route_filter))
    assert [c.offering.pk for c in ranking.results] == [c.offering.pk for c in engine]


def test_retired_routes_and_models_are_left_out(db):
    build_catalog(3, routes=2)
    Offering.objects.filter(model__slug="lab/model-0", provider__slug="prov-0").update(status="retired")
    LanguageModel.objects.filter(slug="lab/model-2").update(status="retired")
    ranking = rank_workload(Workload())
    assert ranking.considered == 3
    assert sorted((c.offering.model.slug, c.offering.provider.slug) for c in ranking.results) == [
        ("lab/model-0", "prov-1"),
        ("lab/model-1", "prov-0"),
        ("lab/model-1", "prov-1"),
    ]


def test_the_lists_of_unranked_routes_are_capped_but_counted(db):
    build_catalog(6, routes=2)  # 128K-token windows
    ranking = rank_workload(Workload(input_tokens=200_000), unranked_limit=4)
    assert (ranking.considered, ranking.ranked_count, ranking.too_small_count) == (12, 0, 12)
    assert len(ranking.too_small) == 4
    assert all("context window" in cost.unfit_reason for cost in ranking.too_small)


def test_an_empty_catalog_ranks_nothing_in_two_queries(db):
    with CaptureQueriesContext(connection) as queries:
        ranking = rank_workload(Workload())
    assert (ranking.considered, ranking.results, ranking.unranked_count) == (0, [], 0)
    assert len(queries) == 2  # the index's routes and prices; nothing to show, so nothing more


# The index kept in memory, and what makes it stale.


def mini_on_openai() -> RouteFilter:
    return RouteFilter(provider="openai", model_ids=(LanguageModel.objects.get(slug="openai/gpt-4o-mini").pk,))


def cheapest_input() -> Decimal:
    """The input rate of GPT-4o mini on OpenAI's API, as the ranking sees it."""
    [cost] = rank_workload(Workload(), mini_on_openai()).results
    return cost.lines[0].rate_usd


def test_the_index_is_built_once_per_catalog_version(route_index_cache, load_fixture_catalog):
    load_fixture_catalog()
    first = route_index()
    with CaptureQueriesContext(connection) as queries:
        rank_workload(Workload(), limit=3)
        rank_workload(Workload(input_tokens=9_000), limit=3)
    assert route_index() is first
    # the shown routes and their prices, once: the second ranking shows the same routes, kept with the index; no
    # index read
    assert len(queries) == 2
    cache.clear()  # a flushed cache starts a new version: the index cannot outlive it
    assert route_index() is not first


def test_a_sync_that_changes_a_price_rebuilds_the_index(route_index_cache, load_fixture_catalog, settings, tmp_path):
    import shutil

    load_fixture_catalog()
    assert cheapest_input() == Decimal("0.15")
    target = tmp_path / "curated"
    shutil.copytree(settings.CURATED_DATA_DIR, target)
    path = target / "models" / "openai.toml"
    path.write_text(path.read_text().replace('usd = "0.15"', 'usd = "0.12"', 1))
    settings.CURATED_DATA_DIR = target
    before = route_index()
    run_sync("curated")
    assert route_index() is not before
    assert cheapest_input() == Decimal("0.12")


def test_an_unchanged_sync_keeps_the_index(route_index_cache, load_fixture_catalog):
    load_fixture_catalog()
    before = route_index()
    run_sync("curated")
    assert route_index() is before


def test_an_admin_price_edit_rebuilds_the_index(
    route_index_cache, client, load_fixture_catalog, django_capture_on_commit_callbacks, admin_user
):
    load_fixture_catalog()
    assert cheapest_input() == Decimal("0.15")
    client.force_login(admin_user)
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    url = f"/admin/providers/offering/{route.pk}/change/"
    data = form_data(client.get(url))
    [field] = [
        key
        for key, value in data.items()
        if key.endswith("-component")
        and value == "input"
        and data[key.replace("component", "service_tier")] == "standard"
    ]
    data[field.replace("-component", "-usd")] = "0.11"
    data[field.replace("-component", "-source_name")] = "the provider's pricing page, read by a curator"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert Price.objects.current().get(
        offering=route, component="input", service_tier="standard", tier_min_tokens=0
    ).usd == Decimal("0.11")
    assert cheapest_input() == Decimal("0.11")


def test_an_admin_edit_of_a_routes_window_rebuilds_the_index(
    route_index_cache, client, load_fixture_catalog, django_capture_on_commit_callbacks, admin_user
):
    load_fixture_catalog()
    workload = Workload(input_tokens=50_000, output_tokens=1_000)
    assert rank_workload(workload, mini_on_openai()).too_small_count == 0
    client.force_login(admin_user)
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    url = f"/admin/providers/offering/{route.pk}/change/"
    data = form_data(client.get(url))
    data["context_window"] = "32000"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert [c.offering.pk for c in rank_workload(workload, mini_on_openai()).too_small] == [route.pk]


@pytest.mark.parametrize("seed", range(6))
def test_a_groups_cheapest_and_unfit_are_those_of_reading_every_member(seed):
    """ShapeGroup.cheapest stops reading once no member left can be cheaper; it must find what a full read finds,
    ties (equal costs, repeated rates) and zero quantities included."""
    import random

    from providers.pricing.ranking import ShapeGroup

    rng = random.Random(seed)
    group = ShapeGroup()
    for position in range(rng.choice([1, 40, 600])):
        group.ids.append(position)
        group.ties.append((rng.randint(0, 3), f"prov-{rng.randint(0, 9)}", "", position))
        group.context.append(rng.choice([0, 8_000, 32_000, 128_000]))
        group.max_output.append(rng.choice([0, 1_000, 4_000]))
        base = Decimal(rng.choice([0, 1, 2, 5, 10, 15])) / 10
        group.rates.append((base, base * rng.choice([1, 2, 4]), Decimal(rng.randint(0, 3))))
    terms = rng.choice(
        [
            ((Decimal(1000), 0), (Decimal(300), 1)),
            ((Decimal("0.5"), 2), (Decimal(0), 0), (Decimal(7), 1)),
            ((Decimal(0), 0),),
            (),
        ]
    )
    need_context, need_output = rng.choice([(1_300, 300), (20_000, 2_000), (200_000, 5_000)])
    small = group.too_small(need_context, need_output)
    assert small == {
        p
        for p in range(len(group.ids))
        if (group.context[p] and need_context > group.context[p])
        or (group.max_output[p] and need_output > group.max_output[p])
    }
    every = sorted(
        (sum((q * group.rates[p][c] for q, c in terms), Decimal(0)), group.ties[p])
        for p in range(len(group.ids))
        if p not in small
    )
    for limit in (1, 3, 50, 1000):
        assert group.cheapest(terms, small, limit) == every[:limit]
    # Within a filter's routes: a few (priced one by one) or many (read in order of the rates).
    for share in (0.05, 0.5):
        within = {p for p in range(len(group.ids)) if rng.random() < share}
        for limit in (1, 3, 50):
            expected = [entry for entry in every if entry[1][-1] in within][:limit]
            assert group.cheapest(terms, small, limit, within=within) == expected
