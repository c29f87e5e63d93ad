"""The embeddable badges: an accessible SVG with the figure's date in its title, kept and invalidated like pages,
and the model page's Embed box with its snippets."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from lib.caching import bump_catalog_version
from providers.models import Price
from providers.pricing.summaries import refresh_cheapest_routes

SVG = "{http://www.w3.org/2000/svg}"


def parsed(response) -> ET.Element:
    assert response["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own answer


def title_of(svg: ET.Element) -> str:
    return svg.find(f"{SVG}title").text


def texts_of(svg: ET.Element) -> list[str]:
    return [text.text for text in svg.iter(f"{SVG}text")]


def test_the_price_badge_says_the_cheapest_price_and_its_date(client, catalog):
    svg = parsed(client.get("/badges/openai/gpt-4o-mini.svg?show=price"))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "t"
    assert texts_of(svg) == ["GPT-4o mini", "$0.15 in · $0.60 out /1M"]
    title = title_of(svg)
    assert "$0.15 input, $0.60 output per 1M tokens on OpenAI API" in title
    assert "2026-08-01" in title


def test_price_is_the_default_and_context_and_scores_are_badges_too(client, catalog):
    assert texts_of(parsed(client.get("/badges/openai/gpt-4o-mini.svg")))[1].startswith("$0.15")
    context = parsed(client.get("/badges/openai/gpt-4o-mini.svg?show=context"))
    assert texts_of(context)[1] == "128K context"
    assert "128,000-token context window, up to 16,384 output tokens" in title_of(context)
    score = parsed(client.get("/badges/openai/gpt-4o-mini.svg?show=mmlu"))
    assert texts_of(score)[1] == "82%"
    assert "self-reported by the lab, measured on 2024-07-18" in title_of(score)


def test_unknown_models_and_figures_get_a_grey_badge_and_an_error_status(client, catalog):
    assert client.get("/badges/openai/nope.svg").status_code == 404
    unknown = client.get("/badges/openai/gpt-4o-mini.svg?show=nonsense")
    assert unknown.status_code == 400
    assert "price, context or a benchmark slug" in title_of(parsed(unknown))
    unpriced = parsed(client.get("/badges/openai/gpt-3.5-turbo.svg"))
    assert texts_of(unpriced)[1] == "no price"


def test_text_from_sources_is_escaped(client, catalog):
    from catalog.models import LanguageModel

    LanguageModel.objects.filter(slug="openai/gpt-4o-mini").update(name='<script>"x"</script>')
    svg = parsed(client.get("/badges/openai/gpt-4o-mini.svg"))  # parses: nothing was injected
    assert texts_of(svg)[0] == '<script>"x"</script>'


def test_badges_are_kept_and_invalidated_like_pages(client, catalog, page_cache, django_assert_num_queries):
    first = client.get("/badges/openai/gpt-4o-mini.svg")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert client.get("/badges/openai/gpt-4o-mini.svg")["X-Page-Cache"] == "hit"
    prices = Price.objects.filter(offering__provider__slug="openai", component="input", service_tier="standard")
    prices.update(usd="0.10")
    refresh_cheapest_routes({prices.first().offering.model_id})
    bump_catalog_version()
    again = client.get("/badges/openai/gpt-4o-mini.svg")
    assert again["X-Page-Cache"] == "miss"
    assert "$0.10 in" in again.content.decode()


@pytest.mark.parametrize("snippet", ["embed-markdown", "embed-html"])
def test_the_model_page_has_an_embed_box(client, catalog, snippet):
    page = client.get("/models/openai/gpt-4o-mini/").content.decode()
    assert 'id="embed-title"' in page
    assert f'id="{snippet}"' in page
    assert "http://testserver/badges/openai/gpt-4o-mini.svg?show=price" in page
