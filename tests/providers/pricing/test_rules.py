"""The pricing rules (providers/pricing/rules.py) and the promise they exist for: every page, list and API answer
names the same cheapest route, even when two routes tie."""

from __future__ import annotations

from decimal import Decimal

from benchmarks.models import Benchmark
from providers.models import CheapestRoute, PriceComponent, Provider, ServiceTier
from providers.pricing import rules
from providers.sync.records import Batch, LabRecord, ModelRecord, OfferingRecord, ProviderRecord, ScoreRecord
from providers.sync.run import apply_batch
from tests.factories import price

TIED = "lab/tied"
OTHER = "lab/other"


def test_the_kind_order_names_every_provider_kind_and_unknown_kinds_come_last():
    assert set(rules.KIND_ORDER) == set(Provider.Kind.values)
    assert [rules.kind_rank(kind) for kind in rules.KIND_ORDER] == [0, 1, 2, 3]
    assert rules.kind_rank("something_new") == 4


def test_token_components_are_price_components():
    assert set(PriceComponent.values) > rules.TOKEN_COMPONENTS


def test_the_blend_is_three_parts_input_to_one_part_output_at_the_columns_precision():
    assert rules.blended_usd(Decimal("0.15"), Decimal("0.60")) == Decimal("0.2625")
    assert rules.blended_usd(Decimal(2), None) == Decimal("1.5")  # a missing output counts as 0
    assert rules.blended_usd(Decimal("0.000000001"), Decimal(0)) == Decimal("0.000000001")  # 0.00000000075, rounded
    assert rules.blended_usd(Decimal(1), Decimal(1)).as_tuple().exponent == -9


def test_equal_costs_go_to_the_labs_own_api_then_by_provider_name_then_the_oldest_route():
    ordered = sorted(
        [
            rules.tie_break(kind="gateway", provider_name="Alpha", route_id=1),
            rules.tie_break(kind="inference_host", provider_name="Zeta", route_id=2),
            rules.tie_break(kind="inference_host", provider_name="Alpha", route_id=9),
            rules.tie_break(kind="inference_host", provider_name="Alpha", route_id=3),
            rules.tie_break(kind="first_party", provider_name="Omega", route_id=8),
        ]
    )
    assert [(name, pk) for _, name, _, pk in ordered] == [
        ("Omega", 8),
        ("Alpha", 3),
        ("Alpha", 9),
        ("Zeta", 2),
        ("Alpha", 1),
    ]


def test_a_price_is_named_by_its_component_service_tier_and_threshold():
    assert rules.price_label("input", "standard", 0) == "input"
    assert rules.price_label("cache_read", "batch", 0) == "cache read (batch)"
    assert rules.price_label("output", "standard", 200_000) == "output above 200,000 tokens"


def tied_catalog(*, alpha_prices: list | None = None) -> None:
    """Two inference hosts sell lab/tied at the same price; Zeta Host's route is the older one (created first).
    A second model (lab/other) is dearer, so that compare has two models; both have an MMLU score."""
    Benchmark.objects.get_or_create(
        slug="mmlu", defaults={"name": "MMLU", "category": "knowledge", "metric": "accuracy"}
    )
    same = [price("input", "1"), price("output", "2")]
    batch = Batch(
        labs=[LabRecord(slug="lab", name="Lab")],
        providers=[
            ProviderRecord(slug="zeta-host", name="Zeta Host", kind="inference_host"),
            ProviderRecord(slug="alpha-host", name="Alpha Host", kind="inference_host"),
        ],
        models=[
            ModelRecord(
                slug=TIED,
                lab="lab",
                name="Tied",
                context_window=128_000,
                offerings=[
                    OfferingRecord(provider="zeta-host", provider_model_id="tied", prices=list(same)),
                    OfferingRecord(provider="alpha-host", provider_model_id="tied", prices=alpha_prices or list(same)),
                ],
                scores=[
                    ScoreRecord(
                        benchmark="mmlu", value=Decimal(70), self_reported=False, source_url="https://example.com/s"
                    )
                ],
            ),
            ModelRecord(
                slug=OTHER,
                lab="lab",
                name="Other",
                context_window=128_000,
                offerings=[
                    OfferingRecord(
                        provider="zeta-host",
                        provider_model_id="other",
                        prices=[price("input", "5"), price("output", "10")],
                    )
                ],
                scores=[
                    ScoreRecord(
                        benchmark="mmlu", value=Decimal(80), self_reported=False, source_url="https://example.com/s"
                    )
                ],
            ),
        ],
    )
    apply_batch(batch, source="curated")


def named_routes(client) -> dict[str, str]:
    """The cheapest route of lab/tied as each page, list and API answer names it (a provider's name)."""
    page = client.get("/models/lab/tied/").context
    browser = {m.slug: m for m in client.get("/models/").context["page"].object_list}
    api_list = {m["slug"]: m for m in client.get("/api/v1/models/").json()["results"]}
    api_detail = client.get("/api/v1/models/lab/tied/").json()
    compared = client.get("/compare/", {"models": f"{TIED},{OTHER}"}).context
    calculator = client.get("/calculator/").context["results"]
    leaderboard = {row.score.model.slug: row.score for row in client.get("/benchmarks/mmlu/").context["rows"]}
    providers = {p.slug: p.name for p in Provider.objects.all()}
    return {
        "table": CheapestRoute.objects.get(model__slug=TIED).offering.provider.name,
        "model page headline": page["priced_rows"][0].offering.provider.name,
        "model page ladder": next(row for row in page["ladder"] if row.cheapest).offering.provider.name,
        "model page workload": page["workload_costs"][0].offering.provider.name,
        "browser row": browser[TIED].cheapest_provider_name,
        "API list": api_list[TIED]["cheapest"]["provider_name"],
        "API detail": api_detail["cheapest"]["provider_name"],
        "compare headline": compared["headline_routes"][0].provider.name,
        "compare workload": compared["workload_costs"].values[0].offering.provider.name,
        "calculator": next(cost for cost in calculator if cost.offering.model.slug == TIED).offering.provider.name,
        "leaderboard": providers[leaderboard[TIED].cheapest_provider],
    }


def test_two_hosts_at_the_same_price_and_kind_every_page_and_api_answer_names_the_same_route(client, db):
    tied_catalog()
    named = named_routes(client)
    assert named == dict.fromkeys(named, "Alpha Host"), named  # same price, same kind: by provider name


def test_a_free_offer_is_never_the_cheapest_paid_route(client, db):
    # Alpha Host's only offer for lab/tied is free and rate-limited: Zeta Host is the one paid route.
    free = [price("input", "0", service_tier=ServiceTier.FREE), price("output", "0", service_tier=ServiceTier.FREE)]
    tied_catalog(alpha_prices=free)
    assert CheapestRoute.objects.get(model__slug=TIED).priced_route_count == 1
    named = named_routes(client)
    assert named == dict.fromkeys(named, "Zeta Host"), named
