"""/changes/ and its RSS and Atom feeds, on change events written by real syncs."""

import datetime as dt
import shutil
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import build_catalog

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def catalog(load_fixture_catalog):
    return load_fixture_catalog()


@pytest.fixture
def resynced(load_fixture_catalog, curated_fixture_dir, tmp_path):
    """The fixture catalog, then a second sync that cuts two prices, raises one and deprecates Claude."""
    load_fixture_catalog()
    changed = tmp_path / "curated"
    shutil.copytree(curated_fixture_dir, changed)
    openai = changed / "models" / "openai.toml"
    openai.write_text(
        openai.read_text()
        .replace('usd = "0.15", published = "1.5e-07 per token"', 'usd = "0.10"')
        .replace('usd = "0.165" }', 'usd = "0.0825" }')
    )
    anthropic = changed / "models" / "anthropic.toml"
    anthropic.write_text(
        anthropic.read_text()
        .replace('usd = "15" }', 'usd = "18" }')
        .replace("context_window = 200000", 'context_window = 200000\nstatus = "deprecated"')
    )
    load_fixture_catalog(changed)


def summaries(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:1500]
    return [event.summary for event in response.context["page"].object_list]


def test_it_lists_new_models_and_routes_but_not_each_price_a_new_route_arrives_with(client, catalog):
    response = client.get("/changes/")
    events = response.context["page"].object_list
    assert sorted(e.kind for e in events) == ["model_added"] * 3 + ["offering_added"] * 4
    assert "GPT-4o mini is now served by Azure OpenAI" in summaries(response)
    html = response.content.decode()
    assert "<strong>7 changes</strong>" in html
    assert '<a href="/models/openai/gpt-4o-mini/">GPT-4o mini</a>' in html
    assert '<a href="/providers/azure-openai/">Azure OpenAI</a>' in html


def test_the_latest_changes_come_first(client, resynced):
    listed = summaries(client.get("/changes/"))
    assert len(listed) == 11
    assert set(listed[:4]) == {
        "GPT-4o mini on OpenAI API: input $0.15 → $0.1",
        "GPT-4o mini on Azure OpenAI: input $0.165 → $0.0825",
        "Claude Sonnet 4.5 on Anthropic API: output $15 → $18",
        "Claude Sonnet 4.5: status active → deprecated",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"kind": "price_changed", "provider": "azure-openai"},
            ["GPT-4o mini on Azure OpenAI: input $0.165 → $0.0825"],
        ),
        (
            {"kind": "price_changed", "lab": "anthropic"},
            ["Claude Sonnet 4.5 on Anthropic API: output $15 → $18"],
        ),
        ({"kind": "retirement"}, ["Claude Sonnet 4.5: status active → deprecated"]),
        (
            {"kind": "model_added", "lab": "anthropic"},
            ["New model: Claude Sonnet 4.5 (anthropic/claude-sonnet-4-5)"],
        ),
        (
            {"kind": "offering_added", "lab": "openai"},
            [
                "GPT-4o mini is now served by OpenRouter",
                "GPT-4o mini is now served by Azure OpenAI",
                "GPT-4o mini is now served by OpenAI API",
            ],
        ),
        ({"provider": "anthropic", "since": "2000-01-01"}, None),  # checked below: every anthropic route event
    ],
)
def test_it_filters_by_kind_provider_lab_and_date(client, resynced, params, expected):
    listed = summaries(client.get("/changes/", params))
    if expected is None:
        assert listed == [
            "Claude Sonnet 4.5 on Anthropic API: output $15 → $18",
            "Claude Sonnet 4.5 is now served by Anthropic API",
        ]
    else:
        assert listed == expected


def test_since_keeps_the_changes_of_that_day_and_after(client, resynced):
    today = timezone.now().date()
    assert len(summaries(client.get("/changes/", {"since": today.isoformat()}))) == 11
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    response = client.get("/changes/", {"since": tomorrow, "lab": "openai"})
    assert summaries(response) == []
    html = response.content.decode()
    assert f"No change matches <strong>Lab: OpenAI</strong> and <strong>Since: {tomorrow}</strong>." in html
    assert f'href="/changes/?since={tomorrow}">Without “Lab: OpenAI”</a>' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "Since: Enter a valid date."),
        ({"kind": "gossip"}, "Kind: Select a valid choice. gossip is not one of the available choices."),
        ({"lab": "nope"}, "Lab: Select a valid choice."),
        ({"provider": "nope"}, "Provider: Select a valid choice."),
    ],
)
def test_an_invalid_filter_is_a_400_that_says_why(client, catalog, params, message):
    response = client.get("/changes/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_page_links_to_the_feeds_with_the_same_filters(client, catalog):
    html = client.get("/changes/", {"lab": "openai"}).content.decode()
    assert '<a href="/changes/feed.atom?lab=openai">Atom</a>' in html
    assert 'type="application/rss+xml" title="Changes (RSS), filtered" href="/changes/feed.rss?lab=openai"' in html


def test_an_empty_log_explains_itself(client, db):
    html = client.get("/changes/").content.decode()
    assert "No change is recorded yet." in html


def test_the_log_is_paginated(client, db):
    build_catalog(30, routes=1)  # 30 new models and 30 new routes
    response = client.get("/changes/")
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list), page.paginator.num_pages) == (60, 50, 2)
    assert 'href="?page=2"' in response.content.decode()
    assert len(client.get("/changes/", {"page": "2"}).context["page"].object_list) == 10


# --- feeds -----------------------------------------------------------------------------------------------------


def test_the_rss_feed_has_the_same_items_linking_to_model_pages(client, resynced):
    response = client.get("/changes/feed.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own response
    assert channel.findtext("title") == "LLM Catalog: price changes and new models"
    assert channel.findtext("link") == "http://testserver/changes/"
    items = channel.findall("item")
    assert len(items) == 11
    titles = [item.findtext("title") for item in items]
    # The page's rows, a price move with its change in percent.
    page = client.get("/changes/").context["page"].object_list
    assert titles == [f"{e.summary} ({e.pct_text})" if e.pct_text else e.summary for e in page]
    azure = items[titles.index("GPT-4o mini on Azure OpenAI: input $0.165 → $0.0825 (−50.0%)")]
    assert azure.findtext("link") == "http://testserver/models/openai/gpt-4o-mini/"
    assert azure.findtext("guid").startswith("urn:llm-catalog:change-event:")
    assert azure.find("guid").get("isPermaLink") == "false"
    assert "input: $0.165 → $0.0825 (−50.0%)" in azure.findtext("description")
    assert azure.findtext("category") == "Price changed"
    assert len({item.findtext("guid") for item in items}) == 11


def test_the_atom_feed_takes_the_same_filters(client, resynced):
    response = client.get("/changes/feed.atom", {"kind": "price_changed", "lab": "openai"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert feed.findtext(f"{ATOM}title") == (
        "LLM Catalog: price changes and new models (Kind: Price changes; Lab: OpenAI)"
    )
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(e.findtext(f"{ATOM}title") for e in entries) == [
        "GPT-4o mini on Azure OpenAI: input $0.165 → $0.0825 (−50.0%)",
        "GPT-4o mini on OpenAI API: input $0.15 → $0.1 (−33.3%)",
    ]
    assert {e.find(f"{ATOM}link").get("href") for e in entries} == {"http://testserver/models/openai/gpt-4o-mini/"}


def test_an_invalid_feed_filter_is_a_400(client, catalog):
    response = client.get("/changes/feed.rss", {"since": "soon"})
    assert response.status_code == 400
    assert "since: Enter a valid date." in response.content.decode()


@pytest.mark.parametrize(("url", "expected"), [("/changes/", 4), ("/changes/feed.atom", 3)])
def test_query_count_does_not_grow_with_the_catalog(client, db, url, expected):
    def count_for(models: int) -> int:
        build_catalog(models, routes=3 if models > 2 else 1)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    # page: lab and provider choices, the count, the rows with model, lab, route and provider; feed: no count.
    assert count_for(2) == count_for(20) == expected
