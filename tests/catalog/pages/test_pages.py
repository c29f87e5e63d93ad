"""The first pages: the model list and the model page, on real rows written by the real sync."""

import pytest
from django.urls import reverse

from catalog.models import Lab, LanguageModel
from tests.factories import build_catalog


@pytest.fixture
def catalog(load_fixture_catalog):
    return load_fixture_catalog()


def test_the_list_shows_every_model_with_its_cheapest_route(client, catalog):
    response = client.get("/models/")
    assert response.status_code == 200
    rows = {m.slug: m for m in response.context["page"].object_list}
    assert list(rows) == ["anthropic/claude-sonnet-4-5", "openai/gpt-3.5-turbo", "openai/gpt-4o-mini"]
    mini = rows["openai/gpt-4o-mini"]
    # OpenAI and OpenRouter tie at $0.15 / $0.60; the lab's own API wins the tie.
    assert (str(mini.cheapest_input_usd.normalize()), str(mini.cheapest_output_usd.normalize())) == (
        "0.15",
        "0.6",
    )
    assert mini.cheapest_provider_name == "OpenAI API"
    assert mini.priced_route_count == 3
    assert rows["openai/gpt-3.5-turbo"].cheapest_input_usd is None
    html = response.content.decode()
    assert "3 models" in html
    assert "no priced route" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mini", ["openai/gpt-4o-mini"]),
        ("SONNET", ["anthropic/claude-sonnet-4-5"]),
        ("gpt-4o-mini-2024-07-18", ["openai/gpt-4o-mini"]),  # an alias only OpenRouter uses
        ("anthropic/", ["anthropic/claude-sonnet-4-5"]),
    ],
)
def test_the_list_searches_names_slugs_and_aliases(client, catalog, query, expected):
    response = client.get("/models/", {"q": query})
    assert [m.slug for m in response.context["page"].object_list] == expected


def test_an_empty_search_says_what_emptied_it(client, catalog):
    html = client.get("/models/", {"q": "zzz"}).content.decode()
    assert "No model’s name, slug or alias contains “zzz”" in html


def test_an_empty_catalog_explains_how_to_load_it(client, db):
    html = client.get("/models/").content.decode()
    assert "python manage.py sync curated" in html


def test_the_model_page_shows_the_seed_facts(client, catalog):
    response = client.get("/models/openai/gpt-4o-mini/")
    assert response.status_code == 200
    html = response.content.decode()
    for fact in (
        "GPT-4o mini",
        "openai/gpt-4o-mini",
        "released 2024-07-18",
        "128K",
        "128,000 tokens",
        "16,384 tokens",
        "2023-10",
        "Proprietary",
        "commercial use: conditional",
        "Cheapest of 3 routes: <strong>OpenAI API</strong>",
        "<strong>$0.15</strong> input",
        "<strong>$0.60</strong> output",
        "<strong>$0.075</strong> cache read",
        "82.0%",
    ):
        assert fact in html, fact
    ladder = response.context["ladder"]
    assert [row.offering.provider.slug for row in ladder] == ["openai", "openrouter", "azure-openai"]
    assert [row.cheapest for row in ladder] == [True, False, False]
    assert [str(p.usd.normalize()) for p in (ladder[0].batch["input"], ladder[0].batch["output"])] == [
        "0.075",
        "0.3",
    ]
    assert "LiteLLM price map (snapshot 2026-08-01)" in html
    faq = dict(response.context["faq"])
    assert faq["What is the context window of GPT-4o mini?"] == "GPT-4o mini has a context window of 128,000 tokens."
    assert (
        "OpenAI API at $0.15 per 1M input tokens and $0.60 per 1M output tokens"
        in (faq["How much does GPT-4o mini cost?"])
    )


def test_the_model_page_lists_every_component_and_tier(client, catalog):
    response = client.get("/models/anthropic/claude-sonnet-4-5/")
    [row] = response.context["ladder"]
    assert {k: str(p.usd.normalize()) for k, p in row.headline.items()} == {
        "input": "3",
        "output": "15",
        "cache_read": "0.3",
        "cache_write_5m": "3.75",
        "cache_write_1h": "6",
    }
    assert [(p.component, p.tier_min_tokens) for p in row.extras] == [("input", 200000), ("output", 200000)]
    assert 'prompt above <span class="tokens" title="200,000 tokens">200K</span>' in response.content.decode()


def test_the_model_page_flags_stale_prices(client, catalog, settings):
    settings.PRICE_STALE_DAYS = 100_000
    ladder = client.get("/models/openai/gpt-4o-mini/").context["ladder"]
    assert not any(row.stale for row in ladder)
    settings.PRICE_STALE_DAYS = 1
    ladder = client.get("/models/openai/gpt-4o-mini/").context["ladder"]
    assert all(row.stale for row in ladder)


def test_a_model_without_prices_still_has_a_page(client, catalog):
    response = client.get("/models/openai/gpt-3.5-turbo/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "No provider route is tracked for this model yet." in html
    assert "No route of this model has a known paid price yet." in html
    assert "Deprecated on 2025-06-01" in html
    assert 'href="/models/openai/gpt-4o-mini/"' in html  # the successor


def test_an_alias_redirects_to_the_canonical_page(client, catalog):
    response = client.get("/models/openai/gpt-4o-mini-2024-07-18/")
    assert response.status_code == 301
    assert response["Location"] == "/models/openai/gpt-4o-mini/"


def test_an_unknown_model_is_a_404(client, catalog):
    assert client.get("/models/openai/gpt-99/").status_code == 404


def test_a_description_cannot_run_script(client, db):
    lab = Lab.objects.create(slug="evil", name="Evil")
    LanguageModel.objects.create(
        lab=lab,
        slug="evil/model",
        name="Evil model",
        description='Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> '
        '[click](javascript:alert(3)) <a href="https://ok.example">fine</a>',
    )
    html = client.get("/models/evil/model/").content.decode()
    about = html[html.index('id="about-h"') : html.index('id="caps-h"')]
    assert "<script" not in about
    assert "onerror" not in about
    assert "javascript:" not in about
    assert '<a href="https://ok.example" rel="nofollow noopener noreferrer">fine</a>' in about


@pytest.mark.parametrize("url_name", ["catalog:model-list", "catalog:model-detail"])
def test_page_query_count_does_not_grow_with_the_catalog(client, db, url_name):
    def count_for(models: int) -> int:
        build_catalog(models, routes=3 if models > 2 else 1)
        kwargs = {"lab": "lab", "model": "model-0"} if url_name == "catalog:model-detail" else {}
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name, kwargs=kwargs)).status_code == 200
        return len(ctx.captured_queries)

    small, large = count_for(2), count_for(20)
    assert small == large
    # list: 3 filter vocabularies (labs, providers, benchmarks) + count + models + 3 facet prefetches;
    # detail: model, its aliases, its facets (input and output types, capabilities: 3), routes, every price row of
    # the routes (their current prices are its open ones), scores, the lab's newest models, the standings (every
    # model's best scores: the percentiles of this model and of the lab's others), peer scores; the workload section
    # prices the routes already loaded; the performance summary, the alternatives and the lab's ratings share the
    # catalog's figures (catalog_figures: live models' prices, names and context windows, their input types, their
    # capabilities, the best speeds: 4). Once kept per catalog version (tests/lib/test_per_version.py) the aliases,
    # facets, standings, peer scores, figures and the lab's newest models cost none. Was 23 when the current prices
    # and the workload's routes were read again, the alternatives were a query of their own after two reading the
    # ids of models with every input type and capability of this one, and the lab's models' scores were read for
    # their ratings.
    expected = {"catalog:model-list": 8, "catalog:model-detail": 16}[url_name]
    assert large == expected


def test_a_retired_route_is_never_the_cheapest(client, catalog):
    from providers.models import Offering

    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    route.status = "retired"
    route.save()  # as the admin does: a queryset update() would skip keeping the cheapest route current
    mini = next(m for m in client.get("/models/").context["page"].object_list if m.slug == "openai/gpt-4o-mini")
    assert (mini.cheapest_provider_name, mini.priced_route_count) == ("OpenRouter", 2)
    response = client.get("/models/openai/gpt-4o-mini/")
    ladder = response.context["ladder"]
    assert [row.offering.provider.slug for row in ladder] == ["openrouter", "azure-openai", "openai"]
    assert [row.cheapest for row in ladder] == [True, False, False]
    assert "Cheapest of 2 routes: <strong>OpenRouter</strong>" in response.content.decode()
