"""Each model's cheapest route is kept in a table of its own (providers/pricing/summaries.py) so that lists of
thousands of
models sort and filter by price with a join. These tests hold it to the rule and prove every kind of write keeps
it current: a sync, a curator's price, a route retired or deleted by a person, and `migrate` on a database that
lacks it."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from catalog.models import LanguageModel
from providers import curation
from providers.models import CheapestRoute, Offering
from providers.pricing.summaries import refresh_cheapest_routes
from providers.sync.run import run_sync

MINI = "openai/gpt-4o-mini"


def cheapest(slug: str = MINI) -> CheapestRoute | None:
    return CheapestRoute.objects.select_related("offering__provider").filter(model__slug=slug).first()


def test_a_sync_records_the_lowest_blended_route_and_a_tie_goes_to_the_labs_own_api(synced_copy):
    # OpenAI and OpenRouter both charge 0.15 / 0.60 for GPT-4o mini; Azure charges 0.165 / 0.66.
    row = cheapest()
    assert row.offering.provider.slug == "openai"
    assert (row.input_usd_per_mtok, row.output_usd_per_mtok, row.cache_read_usd_per_mtok) == (
        Decimal("0.15"),
        Decimal("0.6"),
        Decimal("0.075"),
    )
    assert row.blended_usd_per_mtok == Decimal("0.2625")  # (3 x 0.15 + 0.60) / 4
    assert row.priced_route_count == 3


def test_an_unchanged_sync_writes_nothing_and_a_full_rebuild_agrees_with_the_sync(synced_copy):
    before = list(CheapestRoute.objects.order_by("pk").values())
    run = run_sync("curated")
    assert (run.created, run.updated) == (0, 0)
    assert refresh_cheapest_routes(None) == 0  # what the sync kept is what a rebuild from scratch computes
    assert list(CheapestRoute.objects.order_by("pk").values()) == before


def test_a_sync_that_cuts_a_price_moves_the_cheapest_route_in_the_same_run(synced_copy):
    models = synced_copy / "models" / "openai.toml"
    text = models.read_text()
    models.write_text(
        text.replace(
            '{ component = "input", unit = "per_1m_tokens", usd = "0.165" }',
            '{ component = "input", unit = "per_1m_tokens", usd = "0.10" }',
        )
    )
    assert run_sync("curated").updated == 1
    row = cheapest()
    assert (row.offering.provider.slug, row.input_usd_per_mtok) == ("azure-openai", Decimal("0.1"))


def test_a_curators_price_moves_it_and_the_catalog_browser_sorts_by_it(synced_copy, client):
    user = get_user_model().objects.create_user("ana", is_staff=True)
    azure = Offering.objects.get(model__slug=MINI, provider__slug="azure-openai")
    curation.set_price(azure, component="input", unit="per_1m_tokens", usd=Decimal("0.01"), user=user)
    assert cheapest().offering == azure
    rows = client.get("/models/?sort=input").context["page"].object_list
    assert (rows[0].slug, rows[0].cheapest_input_usd, rows[0].cheapest_provider_name) == (
        MINI,
        Decimal("0.01"),
        "Azure OpenAI",
    )


def test_retiring_or_deleting_a_route_hands_it_to_the_next_one(synced_copy):
    openai = Offering.objects.get(model__slug=MINI, provider__slug="openai")
    openai.status = Offering.Status.RETIRED
    openai.save()
    row = cheapest()
    assert (row.offering.provider.slug, row.priced_route_count) == ("openrouter", 2)
    for offering in Offering.objects.filter(model__slug=MINI):
        offering.delete()
    assert cheapest() is None  # no priced route: no row, and lists show "price unknown"
    listed = next(m for m in LanguageModel.objects.all() if m.slug == MINI)
    assert not CheapestRoute.objects.filter(model=listed).exists()


def test_migrate_rebuilds_the_table_when_it_is_missing_rows(synced_copy):
    expected = set(CheapestRoute.objects.values_list("model_id", "offering_id"))
    assert expected
    CheapestRoute.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert set(CheapestRoute.objects.values_list("model_id", "offering_id")) == expected


@pytest.mark.parametrize("drop", [2, 20])
def test_a_full_rebuild_takes_three_queries_whatever_the_number_of_models(synced_copy, drop, django_assert_num_queries):
    rows = list(CheapestRoute.objects.order_by("pk")[:drop])
    CheapestRoute.objects.filter(pk__in=[row.pk for row in rows]).delete()
    with django_assert_num_queries(3):  # current headline prices, the rows kept, one insert of the missing
        assert refresh_cheapest_routes(None) == len(rows)
