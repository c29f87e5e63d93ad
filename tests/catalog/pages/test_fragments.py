"""Table rows and choice widgets kept per distinct input (lib/fragments.py, catalog/templatetags/fragment_tags.py,
catalog/pages/forms.KeptRendering): served again as rendered, and never stale, since a change of what a piece shows
is a new key."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from catalog.models import LanguageModel
from catalog.templatetags.fragment_tags import cost_inputs
from lib.fragments import FRAGMENTS
from providers import curation
from providers.models import Offering
from providers.pricing.costing import Workload, estimate, live_routes

MINI = "openai/gpt-4o-mini"
CALCULATOR = "/calculator/"


@pytest.fixture
def catalog(load_fixture_catalog):
    FRAGMENTS.clear()
    return load_fixture_catalog()


def kept() -> int:
    """Table rows kept (the filter forms' widgets are kept there too)."""
    return sum(1 for key in FRAGMENTS._kept if key[0] != "widget")


def test_a_browser_row_is_kept_once_whatever_the_filter_and_served_the_same(client, catalog):
    first = client.get("/models/").content.decode()
    assert kept() == 3
    assert client.get("/models/").content.decode() == first
    client.get("/models/", {"lab": "openai", "sort": "newest"})
    assert kept() == 3  # the same rows, another filter and order: nothing new to render
    client.get("/models/", {"sort": "score:mmlu"})
    assert kept() == 6  # a score column: other rows


def test_a_renamed_model_or_a_new_price_is_a_new_row(client, catalog):
    client.get("/models/")
    LanguageModel.objects.filter(slug=MINI).update(name="GPT-4o mini (renamed)")
    html = client.get("/models/").content.decode()
    assert ">GPT-4o mini (renamed)</a>" in html
    assert kept() == 4  # only the changed row was rendered again
    curator = get_user_model().objects.create_user("ana", is_staff=True)
    route = Offering.objects.get(model__slug=MINI, provider__slug="openai")
    curation.set_price(route, component="input", unit="per_1m_tokens", usd=Decimal("0.01"), user=curator)
    assert "$0.01" in client.get("/models/").content.decode()


def test_a_calculator_row_is_kept_per_workload_and_shows_a_new_price(client, catalog):
    first = client.get(CALCULATOR).content.decode()
    rows = kept()
    assert rows == 2 * 4  # each of the 4 routes: its cells, and its badges with the arithmetic
    assert client.get(CALCULATOR).content.decode() == first
    assert kept() == rows
    client.get(CALCULATOR, {"requests": "5"})
    assert kept() == 2 * rows  # another workload, other arithmetic
    curator = get_user_model().objects.create_user("ana", is_staff=True)
    route = Offering.objects.get(model__slug=MINI, provider__slug="azure-openai")
    curation.set_price(route, component="input", unit="per_1m_tokens", usd=Decimal("0.01"), user=curator)
    html = client.get(CALCULATOR).content.decode()
    assert "$0.01 / 1M tokens" in html


def test_the_inputs_of_a_cost_tell_apart_what_reads_differently(catalog):
    [route] = [r for r in live_routes() if r.model.slug == MINI and r.provider.slug == "openai"]
    base = cost_inputs(estimate(route, Workload()))
    assert cost_inputs(estimate(route, Workload())) == base
    assert cost_inputs(estimate(route, Workload(cached_share=Decimal("0.5")))) != cost_inputs(
        estimate(route, Workload(cached_share=Decimal("0.50")))
    )
    [input_price] = [p for p in route.current_prices if (p.component, p.service_tier) == ("input", "standard")]
    input_price.usd += Decimal(1)
    assert cost_inputs(estimate(route, Workload())) != base


def test_a_kept_select_follows_the_value_chosen_and_the_choices(client, catalog):
    from catalog.models import Lab

    assert (
        '<option value="openai" selected>OpenAI</option>' in client.get("/models/", {"lab": "openai"}).content.decode()
    )
    html = client.get("/models/", {"lab": "anthropic"}).content.decode()
    assert '<option value="openai">OpenAI</option>' in html
    assert '<option value="anthropic" selected>Anthropic</option>' in html
    Lab.objects.create(slug="newlab", name="New Lab")
    assert '<option value="newlab">New Lab</option>' in client.get("/models/", {"lab": "anthropic"}).content.decode()
    calculator = client.get(CALCULATOR, {"lab": "openai"}).content.decode()
    assert '<option value="openai" selected>OpenAI</option>' in calculator
    assert '<option value="newlab">New Lab</option>' in calculator


def test_keys_tell_apart_equal_values_that_read_differently():
    from django.utils.safestring import mark_safe

    from lib.fragments import frozen

    assert frozen(["a", {"b": 1}]) == frozen(("a", {"b": 1}))
    assert frozen(True) != frozen(1)
    assert frozen(Decimal("0.5")) != frozen(Decimal("0.50"))
    assert frozen(mark_safe("&amp;")) != frozen("&amp;")
