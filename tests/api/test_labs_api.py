"""GET /api/v1/labs/ and /api/v1/labs/<slug>/: every lab with its count of models; a lab's models, newest first,
each with its cheapest route."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import build_catalog
from tests.problem import details


def test_the_labs_are_listed_by_name_with_their_model_counts(client, catalog):
    body = client.get("/api/v1/labs/").json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert body["results"] == [
        {
            "slug": "anthropic",
            "name": "Anthropic",
            "website_url": "https://www.anthropic.com",
            "model_count": 1,
            "latest_release": "2025-09-29",
            "url": "http://testserver/api/v1/labs/anthropic/",
        },
        {
            "slug": "openai",
            "name": "OpenAI",
            "website_url": "https://openai.com",
            "model_count": 2,
            "latest_release": "2024-07-18",
            "url": "http://testserver/api/v1/labs/openai/",
        },
    ]


def test_a_lab_lists_its_models_newest_first_with_their_cheapest_prices(client, catalog):
    body = client.get("/api/v1/labs/openai/").json()
    assert {k: v for k, v in body.items() if k != "models"} == {
        "slug": "openai",
        "name": "OpenAI",
        "website_url": "https://openai.com",
        "description": "",
    }
    assert [m["slug"] for m in body["models"]] == ["openai/gpt-4o-mini", "openai/gpt-3.5-turbo"]
    assert body["models"][0] == {
        "slug": "openai/gpt-4o-mini",
        "name": "GPT-4o mini",
        "family": "GPT-4o",
        "release_date": "2024-07-18",
        "status": "active",
        "context_window": 128000,
        "input_modalities": ["image", "text"],
        "output_modalities": ["text"],
        "cheapest": {
            "provider": "openai",
            "provider_name": "OpenAI API",
            "input": "0.15",
            "output": "0.6",
            "cache_read": "0.075",
            "blended": "0.2625",
            "unit": "per_1m_tokens",
            "priced_route_count": 3,
        },
        "url": "http://testserver/api/v1/models/openai/gpt-4o-mini/",
        "page": "http://testserver/models/openai/gpt-4o-mini/",
    }
    assert body["models"][1]["cheapest"] is None  # GPT-3.5 Turbo has no route


def test_undated_models_come_after_dated_ones(client, catalog):
    build_catalog(2, routes=1, with_scores=False)  # lab "lab": Model 0 and Model 1, no release dates
    from catalog.models import LanguageModel

    LanguageModel.objects.filter(slug="lab/model-1").update(release_date="2025-01-01")
    assert [m["slug"] for m in client.get("/api/v1/labs/lab/").json()["models"]] == ["lab/model-1", "lab/model-0"]


def test_an_unknown_lab_is_a_404_in_json(client, catalog):
    response = client.get("/api/v1/labs/nobody/")
    assert response.status_code == 404
    assert details(response) == {"detail": "No lab nobody."}


def test_lab_reads_are_cacheable(client, catalog, settings):
    for url in ("/api/v1/labs/", "/api/v1/labs/openai/"):
        assert client.get(url)["Cache-Control"] == f"public, max-age={settings.API_CACHE_SECONDS}"


EXPECTED_QUERIES = {
    # count; labs with their model counts
    "/api/v1/labs/": 2,
    # lab; its models with cheapest route; 2 modality prefetches
    "/api/v1/labs/lab/": 4,
}


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("url", list(EXPECTED_QUERIES))
def test_query_count_does_not_grow_with_the_catalog(client, db, size, url):
    build_catalog(size, routes=size)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries.captured_queries) == EXPECTED_QUERIES[url]
    if url == "/api/v1/labs/lab/":
        assert len(response.json()["models"]) == size
