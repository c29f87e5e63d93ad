"""The catalog browser /models/: every filter, every sort, bad input, htmx fragments, empty states, query counts.

The fixture catalog (tests/fixtures/curated) has three models:
  anthropic/claude-sonnet-4-5  $3 / $15 (blended $6), 200K, 2025-09-29, tool calling + reasoning, text+image in
  openai/gpt-4o-mini           $0.15 / $0.60 (blended $0.2625), 128K, 2024-07-18, tool calling + vision, 3 routes,
                               MMLU 82.0, LMArena 1235
  openai/gpt-3.5-turbo         no route, 16,385 tokens, 2023-03-01, deprecated
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.models import Benchmark, BenchmarkScore
from catalog.models import LanguageModel
from tests.factories import build_catalog

CLAUDE, MINI, TURBO = "anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini", "openai/gpt-3.5-turbo"


@pytest.fixture
def catalog(load_fixture_catalog):
    return load_fixture_catalog()


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:2000]
    return [m.slug for m in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"lab": "openai"}, [TURBO, MINI]),
        ({"lab": "anthropic"}, [CLAUDE]),
        ({"provider": "azure-openai"}, [MINI]),
        ({"provider": "anthropic"}, [CLAUDE]),
        ({"input_modality": "image"}, [CLAUDE, MINI]),
        ({"input_modality": "audio"}, []),
        ({"output_modality": "text"}, [CLAUDE, MINI]),
        ({"capability": "tool_calling"}, [CLAUDE, MINI]),
        ({"capability": ["tool_calling", "vision"]}, [MINI]),  # every ticked capability
        ({"capability": "reasoning"}, [CLAUDE]),
        ({"min_context": "128000"}, [CLAUDE, MINI]),
        ({"min_context": "128001"}, [CLAUDE]),
        ({"max_input": "0.15"}, [MINI]),  # at most: the bound is included
        ({"max_input": "0.149"}, []),
        ({"max_input": "3"}, [CLAUDE, MINI]),  # a model with no price never passes a price bound
        ({"max_output": "1"}, [MINI]),
        ({"max_output": "15.00"}, [CLAUDE, MINI]),
        ({"open_weights": "no"}, [CLAUDE, TURBO, MINI]),  # unknown counts as not open
        ({"open_weights": "yes"}, []),
        ({"status": "deprecated"}, [TURBO]),
        ({"status": "active"}, [CLAUDE, MINI]),
        ({"released_after": "2024-07-18"}, [CLAUDE, MINI]),  # on or after
        ({"released_after": "2024-07-19"}, [CLAUDE]),
        ({"q": "gpt", "max_input": "1"}, [MINI]),
        ({"lab": "openai", "capability": "vision", "min_context": "100000"}, [MINI]),
    ],
)
def test_it_filters(client, catalog, params, expected):
    assert slugs(client.get("/models/", params)) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", [CLAUDE, TURBO, MINI]),  # by name
        ("name", [CLAUDE, TURBO, MINI]),
        ("input", [MINI, CLAUDE, TURBO]),  # no price last
        ("output", [MINI, CLAUDE, TURBO]),
        ("blended", [MINI, CLAUDE, TURBO]),
        ("context", [CLAUDE, MINI, TURBO]),
        ("newest", [CLAUDE, MINI, TURBO]),
        ("score:mmlu", [MINI, CLAUDE, TURBO]),  # models without a score last, by name
        ("score:lmarena-text", [MINI, CLAUDE, TURBO]),
    ],
)
def test_it_sorts(client, catalog, sort, expected):
    assert slugs(client.get("/models/", {"sort": sort} if sort else {})) == expected


def test_it_sorts_by_the_best_score_of_a_benchmark(client, catalog):
    mmlu = Benchmark.objects.get(slug="mmlu")
    claude = LanguageModel.objects.get(slug=CLAUDE)
    turbo = LanguageModel.objects.get(slug=TURBO)
    # Claude has two MMLU scores: its best (90.5) counts, so it overtakes GPT-4o mini's 82.0.
    for value, version in (("70", "old harness"), ("90.5", "5-shot")):
        BenchmarkScore.objects.create(
            model=claude, benchmark=mmlu, value=Decimal(value), version=version, source="curated", self_reported=True
        )
    BenchmarkScore.objects.create(
        model=turbo, benchmark=mmlu, value=Decimal("70"), source="curated", self_reported=True
    )
    response = client.get("/models/", {"sort": "score:mmlu"})
    assert slugs(response) == [CLAUDE, MINI, TURBO]
    assert [f"{m.best_score.normalize():f}" for m in response.context["page"].object_list] == ["90.5", "82", "70"]
    html = response.content.decode()
    assert "sorted by best MMLU score" in html
    assert '<th scope="col" class="num">MMLU</th>' in html
    assert "90.5%" in html


def test_a_lower_is_better_benchmark_sorts_lowest_first(client, catalog):
    errors = Benchmark.objects.create(
        slug="errors", name="Error rate", category="knowledge", metric="errors", higher_is_better=False
    )
    for slug, value in ((CLAUDE, "3"), (MINI, "7")):
        BenchmarkScore.objects.create(
            model=LanguageModel.objects.get(slug=slug),
            benchmark=errors,
            value=Decimal(value),
            source="curated",
            self_reported=False,
        )
    assert slugs(client.get("/models/", {"sort": "score:errors"})) == [CLAUDE, MINI, TURBO]


def test_the_rows_carry_the_cheapest_route_and_blended_price(client, catalog):
    response = client.get("/models/", {"sort": "blended"})
    mini = response.context["page"].object_list[0]
    assert mini.cheapest_blended_usd == Decimal("0.2625")
    assert mini.cheapest_provider_name == "OpenAI API"
    html = response.content.decode()
    assert "<strong>3 models</strong>, sorted by cheapest blended (3:1)" in html
    assert "$0.2625" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lab": "nope"}, "Lab: Select a valid choice. nope is not one of the available choices."),
        ({"provider": "nope"}, "Served by: Select a valid choice."),
        ({"input_modality": "smell"}, "Input: Select a valid choice."),
        ({"capability": "flying"}, "Capabilities: Select a valid choice. flying is not one of the available choices."),
        ({"max_input": "-1"}, "Max. input $ / 1M: Ensure this value is greater than or equal to 0."),
        ({"max_input": "abc"}, "Max. input $ / 1M: Enter a number."),
        ({"max_output": "NaN"}, "Max. output $ / 1M: Enter a number."),
        ({"min_context": "0"}, "Min. context (tokens): Ensure this value is greater than or equal to 1."),
        ({"min_context": "12.5"}, "Min. context (tokens): Enter a whole number."),
        ({"open_weights": "maybe"}, "Weights: Select a valid choice."),
        ({"status": "gone"}, "Status: Select a valid choice."),
        ({"released_after": "2024-13-01"}, "Released on or after: Enter a valid date."),
        ({"sort": "cheapest"}, "Sort by: Select a valid choice. cheapest is not one of the available choices."),
        ({"sort": "score:nope"}, "Sort by: Select a valid choice."),
        ({"q": "x" * 201}, "Search: Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_an_invalid_filter_is_a_400_that_says_why(client, catalog, params, message):
    response = client.get("/models/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be read" in html
    assert message in html
    assert "<table" not in html


def test_htmx_gets_only_the_results_fragment(client, catalog):
    response = client.get("/models/", {"lab": "anthropic"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["Vary"] == "HX-Request"
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="browse-filters"' not in html
    assert "<title>Models: Lab: Anthropic · LLM Catalog</title>" in html
    assert "<strong>1 model</strong>" in html
    assert "Claude Sonnet 4.5" in html
    assert "GPT-4o mini" not in html


def test_htmx_gets_the_errors_as_a_fragment_too(client, catalog):
    response = client.get("/models/", {"max_input": "-2"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html
    assert "greater than or equal to 0" in html


def test_the_cache_keeps_the_page_and_the_fragment_apart(client, catalog, settings):
    settings.PAGE_CACHE_SECONDS = 600
    full = client.get("/models/", {"lab": "openai"})
    fragment = client.get("/models/", {"lab": "openai"}, headers={"HX-Request": "true"})
    again = client.get("/models/", {"lab": "openai"})
    assert (full["X-Page-Cache"], fragment["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "miss", "hit")
    assert b"<html" in again.content
    assert b"<html" not in fragment.content


def test_the_full_page_has_the_form_wired_for_in_place_updates(client, catalog):
    html = client.get("/models/", {"lab": "openai", "capability": "vision"}).content.decode()
    assert 'hx-get="/models/"' in html
    assert 'hx-target="#results"' in html
    assert 'hx-push-url="true"' in html
    assert 'method="get"' in html
    # The form shows the state of the URL.
    assert '<option value="openai" selected>OpenAI</option>' in html
    assert 'id="id_capability_' in html
    assert "checked" in html[html.index('value="vision"') : html.index('value="vision"') + 60]
    assert 'src="/static/js/browse.js"' in html
    # Every control is labelled.
    for name in ("q", "sort", "lab", "provider", "min_context", "max_input", "max_output", "released_after"):
        control_id = "browse-q" if name == "q" else f"id_{name}"
        assert f'for="{control_id}"' in html, name


def test_each_row_can_be_selected_for_comparison_without_javascript(client, catalog):
    html = client.get("/models/").content.decode()
    assert '<form id="compare-form" class="compare-form" action="/compare/" method="get">' in html
    for slug in (CLAUDE, MINI, TURBO):
        assert f'name="models" value="{slug}"' in html
    assert 'aria-label="Select GPT-4o mini to compare"' in html


def test_the_filters_in_force_are_listed_with_links_that_remove_them(client, catalog):
    html = client.get("/models/", {"lab": "openai", "min_context": "100000", "sort": "newest"}).content.decode()
    assert "Lab: OpenAI" in html
    assert "Min. context (tokens): at least 100,000 tokens" in html
    assert 'href="?min_context=100000&amp;sort=newest"' in html  # without the lab
    assert 'href="?lab=openai&amp;sort=newest"' in html  # without the context bound


def test_an_empty_list_names_the_filter_that_emptied_it(client, catalog):
    html = client.get("/models/", {"status": "retired"}).content.decode()
    assert "No model matches <strong>Status: Retired</strong>." in html
    assert '<a href="?">Remove that filter</a> to see all 3 models' in html


def test_an_empty_list_of_several_filters_says_what_each_removal_brings_back(client, catalog):
    response = client.get("/models/", {"lab": "anthropic", "max_input": "1", "sort": "input"})
    assert slugs(response) == []
    html = response.content.decode()
    assert "No model matches these 2 filters together." in html
    # Without the lab bound, GPT-4o mini ($0.15) is back; without the price bound, Claude is.
    assert 'without <strong>Lab: Anthropic</strong>: <a href="?max_input=1&amp;sort=input">1 model</a>' in html
    assert (
        'without <strong>Max. input $ / 1M: at most $1.00</strong>: <a href="?lab=anthropic&amp;sort=input">1 model</a>'
        in html
    )


def test_an_empty_list_says_when_no_single_filter_is_to_blame(client, catalog):
    html = client.get("/models/", {"lab": "anthropic", "status": "deprecated", "max_input": "0.01"}).content.decode()
    assert "No model matches these 3 filters together." in html
    assert html.count("still none") == 3


def test_blank_fields_of_a_plain_form_submission_redirect_to_the_short_url(client, catalog):
    response = client.get("/models/?q=&lab=openai&provider=&capability=vision&sort=&max_input=")
    assert response.status_code == 302
    assert response["Location"] == "/models/?lab=openai&capability=vision"
    assert client.get("/models/?q=").headers["Location"] == "/models/"


def test_it_paginates_and_keeps_the_filters_in_the_page_links(client, db):
    build_catalog(60, routes=1)
    response = client.get("/models/", {"sort": "input"})
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (60, 50)
    assert [m.slug for m in page.object_list[:3]] == ["lab/model-0", "lab/model-1", "lab/model-2"]
    html = response.content.decode()
    assert "<strong>60 models</strong>, sorted by cheapest input · page 1 of 2" in html
    assert 'href="?sort=input&amp;page=2"' in html
    second = client.get("/models/", {"sort": "input", "page": "2"})
    assert [m.slug for m in second.context["page"].object_list] == [f"lab/model-{i}" for i in range(50, 60)]
    # A page number out of range or not a number shows the nearest page rather than failing.
    assert client.get("/models/", {"page": "99"}).context["page"].number == 2
    assert client.get("/models/", {"page": "x"}).context["page"].number == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 8),
        # A search reads every model's name, slug and aliases (2 queries: catalog/search.py).
        ({"lab": "lab", "capability": "tool_calling", "max_input": "5", "sort": "score:mmlu", "q": "model"}, 11),
    ],
)
def test_query_count_does_not_grow_with_the_catalog(client, db, params, expected):
    def count_for(models: int) -> int:
        build_catalog(models, routes=3 if models > 2 else 1)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/models/", params)
            assert response.status_code == 200
        assert response.context["page"].paginator.count == models
        return len(ctx.captured_queries)

    small, large = count_for(2), count_for(20)
    assert small == large
    # 3 vocabularies for the form (labs, providers, benchmarks), the count, the rows with their cheapest route
    # (a join) and score subquery, 3 facet prefetches; a capability filter first reads the ids of the models that
    # have every capability asked for (1).
    assert large == expected


def test_having_all_matches_every_slug_and_sends_the_ids_as_one_array_on_postgresql(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.models import LanguageModel
    from tests.factories import build_catalog

    build_catalog(3)  # every model: text + image in, tool calling
    LanguageModel.objects.get(slug="lab/model-1").input_modalities.remove(
        *LanguageModel.objects.get(slug="lab/model-1").input_modalities.filter(slug="image")
    )
    with CaptureQueriesContext(connection) as queries:
        found = sorted(
            LanguageModel.objects.having_all("input_modalities", ["text", "image"]).values_list("slug", flat=True)
        )
    assert found == ["lab/model-0", "lab/model-2"]
    assert not LanguageModel.objects.having_all("input_modalities", ["text", "audio"]).exists()
    listing = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in listing
        assert " IN (" not in listing.split("WHERE", 1)[1]


def test_it_hides_retired_models_unless_asked(client, catalog):
    LanguageModel.objects.filter(slug=TURBO).update(status=LanguageModel.Status.RETIRED)
    assert slugs(client.get("/models/")) == [CLAUDE, MINI]
    assert slugs(client.get("/models/", {"retired": "on"})) == [CLAUDE, TURBO, MINI]
    assert slugs(client.get("/models/", {"status": "retired"})) == [TURBO]
    html = client.get("/models/").content.decode()
    assert 'name="retired"' in html
    assert "Include retired models" in html


def test_the_results_say_retired_models_are_hidden_and_link_to_them(client, catalog):
    html = client.get("/models/", {"lab": "openai"}).content.decode()
    assert 'Retired models are hidden. <a href="?lab=openai&amp;retired=on"' in html
    assert "Retired models are hidden" not in client.get("/models/", {"retired": "on"}).content.decode()
