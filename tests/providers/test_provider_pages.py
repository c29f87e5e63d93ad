"""/providers/ and /providers/<slug>/ on rows written by the real sync."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from providers.models import Offering
from tests.factories import build_catalog


@pytest.fixture
def catalog(load_fixture_catalog):
    return load_fixture_catalog()


def test_the_provider_list_shows_every_provider_with_its_kind_and_models(client, catalog):
    response = client.get("/providers/")
    assert response.status_code == 200
    providers = response.context["providers"]
    assert [(p.slug, p.kind, p.model_count) for p in providers] == [
        ("anthropic", "first_party", 1),
        ("azure-openai", "cloud", 1),
        ("openai", "first_party", 1),
        ("openrouter", "gateway", 1),
    ]
    html = response.content.decode()
    assert '<a href="/providers/openai/">OpenAI API</a>' in html
    assert '<td><a href="/labs/openai/">OpenAI</a></td>' in html
    assert '<span class="badge kind-gateway">Gateway / router</span>' in html
    assert "<li>2 first-party APIs</li><li>1 cloud</li><li>1 gateway or router</li>" in html
    assert '<th scope="col" class="num" data-sort="num">Models served</th>' in html


def test_a_retired_route_does_not_count_as_served(client, catalog):
    Offering.objects.filter(provider__slug="azure-openai").update(status="retired")
    providers = {p.slug: p.model_count for p in client.get("/providers/").context["providers"]}
    assert providers["azure-openai"] == 0


def test_the_provider_page_says_what_it_is_and_lists_its_models_with_prices(client, catalog):
    response = client.get("/providers/openai/")
    assert response.status_code == 200
    routes = response.context["routes"]
    assert [r.model.slug for r in routes] == ["openai/gpt-4o-mini"]
    [mini] = routes
    assert (mini.input_usd, mini.output_usd, mini.cache_read_usd) == (
        Decimal("0.15"),
        Decimal("0.6"),
        Decimal("0.075"),
    )
    assert mini.cheapest_route_id == mini.pk
    html = response.content.decode()
    for text in (
        "<title>OpenAI API: models and prices · LLM Catalog</title>",
        "First-party API",
        'First-party API run by <a href="/labs/openai/">OpenAI</a>',
        '<a href="https://openai.com/api/pricing/" rel="nofollow noopener">Pricing page</a>',
        "OpenAI-compatible",
        "<code>https://api.openai.com/v1</code>",
        '<a href="/models/openai/gpt-4o-mini/">GPT-4o mini</a> <span class="badge badge-cheapest">Cheapest</span>',
        '<td class="num" data-label="Context" data-value="128000"><span class="tokens" title="128,000 tokens">128K'
        "</span></td>",
        '<table class="data sortable provider-routes">',
        '<th scope="col" class="num" data-sort="num">Input / 1M</th>',
        'src="/static/js/sortable.js"',
    ):
        assert text in html, text
    # Sortable cells carry the exact figure (its digits depend on the database: 0.15 or 0.150000000).
    # Each cell is labelled for the phone's card layout (static/css/listing.css).
    for label, value, shown in (
        ("Input / 1M", "0.15", "$0.15"),
        ("Output / 1M", "0.6", "$0.60"),
        ("Cache read / 1M", "0.075", "$0.075"),
    ):
        cell = rf'<td class="num[a-z ]*" data-label="{re.escape(label)}" data-value="{re.escape(value)}0*">'
        assert re.search(rf"{cell}{re.escape(shown)}</td>", html), shown


def test_a_route_that_is_not_the_cheapest_is_not_marked(client, catalog):
    response = client.get("/providers/azure-openai/")
    [mini] = response.context["routes"]
    assert (mini.input_usd, mini.output_usd, mini.cache_read_usd) == (Decimal("0.165"), Decimal("0.66"), None)
    assert mini.cheapest_route_id != mini.pk
    html = response.content.decode()
    assert "badge-cheapest" not in html
    assert "cheapest route for" not in html
    # No cache price: unknown, sorts last, and left out of the phone's card.
    assert '<td class="num none" data-label="Cache read / 1M" data-value="">—</td>' in html


def test_retired_routes_are_listed_last(client, db):
    build_catalog(3, routes=1)
    Offering.objects.filter(model__slug="lab/model-0").update(status="retired")
    response = client.get("/providers/prov-0/")
    assert [(r.model.slug, r.status) for r in response.context["routes"]] == [
        ("lab/model-1", "active"),
        ("lab/model-2", "active"),
        ("lab/model-0", "retired"),
    ]
    assert response.context["model_count"] == 2


def test_an_unknown_provider_is_a_404(client, catalog):
    assert client.get("/providers/nope/").status_code == 404


@pytest.mark.parametrize(("url", "expected"), [("/providers/", 1), ("/providers/prov-0/", 2)])
def test_query_count_does_not_grow_with_the_catalog(client, db, url, expected):
    def count_for(models: int) -> int:
        build_catalog(models, routes=3 if models > 2 else 1)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    # list: providers with their model counts; page: the provider, its routes with prices.
    assert count_for(2) == count_for(20) == expected
