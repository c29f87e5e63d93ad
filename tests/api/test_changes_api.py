"""GET /api/v1/changes/: every change event written by real syncs and curators, newest first, filtered."""

import datetime as dt
import shutil
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from providers import curation
from providers.models import ChangeEvent, Offering
from tests.factories import build_catalog
from tests.problem import details

URL = "/api/v1/changes/"


@pytest.fixture
def resynced(load_fixture_catalog, curated_fixture_dir, tmp_path):
    """The fixture catalog (dated 2026-01-10), then a second sync (dated 2026-03-05) that cuts two prices, raises
    one and deprecates Claude."""
    load_fixture_catalog()
    ChangeEvent.objects.update(occurred_at=dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC))
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
    ChangeEvent.objects.filter(occurred_at__date__gt=dt.date(2026, 1, 10)).update(
        occurred_at=dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC)
    )


def rows(response, *fields: str) -> list[tuple]:
    assert response.status_code == 200, response.json()
    return [tuple(event[field] for field in fields) for event in response.json()["results"]]


def test_it_lists_every_event_of_a_first_sync(api, catalog):
    body = api.get(URL, {"page_size": 200}).json()
    kinds = [event["kind"] for event in body["results"]]
    # 3 models, 4 routes, every price they came with (the page folds those into the route), 2 scores
    assert body["count"] == 25
    assert sorted(set(kinds)) == ["model_added", "offering_added", "price_added", "score_added"]
    assert (kinds.count("model_added"), kinds.count("offering_added"), kinds.count("price_added")) == (3, 4, 16)


def test_the_newest_come_first_with_their_model_lab_provider_and_values(api, resynced):
    body = api.get(URL, {"page_size": 4}).json()
    assert body["count"] == 29
    latest = body["results"][:4]
    assert {e["occurred_at"] for e in latest} == {"2026-03-05T09:00:00Z"}  # the second sync's
    assert sorted((e["kind"], e["summary"]) for e in latest) == [
        ("model_changed", "Claude Sonnet 4.5: status active → deprecated"),
        ("price_changed", "Claude Sonnet 4.5 on Anthropic API: output $15 → $18"),
        ("price_changed", "GPT-4o mini on Azure OpenAI: input $0.165 → $0.0825"),
        ("price_changed", "GPT-4o mini on OpenAI API: input $0.15 → $0.1"),
    ]
    azure = next(e for e in latest if "Azure" in e["summary"])
    assert {key: azure[key] for key in ("model", "lab", "provider", "field", "actor")} == {
        "model": "openai/gpt-4o-mini",
        "lab": "openai",
        "provider": "azure-openai",
        "field": "input",
        "actor": None,  # a sync
    }
    assert (Decimal(azure["old_value"]), Decimal(azure["new_value"])) == (Decimal("0.165"), Decimal("0.0825"))
    ids = [e["id"] for e in api.get(URL, {"page_size": 200}).json()["results"]]
    assert ids == sorted(ids, reverse=True)  # one sync's events share a moment: newest id first


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "price_changed"}, ["Anthropic API", "Azure OpenAI", "OpenAI API"]),
        ({"kind": "price_changed", "provider": "azure-openai"}, ["Azure OpenAI"]),
        ({"kind": "price_changed", "lab": "anthropic"}, ["Anthropic API"]),
        ({"topic": "retirement"}, ["status"]),
        ({"since": "2026-03-05", "lab": "anthropic"}, ["Anthropic API", "status"]),
        ({"since": "2026-03-06"}, []),
        ({"until": "2026-03-04", "kind": "price_changed"}, []),
        ({"since": "2026-01-10", "until": "2026-03-05", "kind": "price_changed", "provider": "openai"}, ["OpenAI API"]),
    ],
)
def test_it_filters_by_kind_topic_provider_lab_and_dates(api, resynced, params, expected):
    summaries = [summary for (summary,) in rows(api.get(URL, {**params, "page_size": 200}), "summary")]
    assert sorted(next(word for word in expected if word in s) for s in summaries) == sorted(expected)
    assert len(summaries) == len(expected)


def test_until_is_inclusive_and_covers_the_first_sync(api, resynced):
    assert api.get(URL, {"until": "2026-01-10"}).json()["count"] == 25


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"since": "2026-02-30"}, {"since": ["A date (YYYY-MM-DD) or an ISO 8601 date-time (2025-01-31T12:00:00Z)."]}),
        ({"until": "yesterday"}, {"until": ["A date (YYYY-MM-DD) or an ISO 8601 date-time (2025-01-31T12:00:00Z)."]}),
        ({"kind": "price_cut"}, {"kind": ["Select a valid choice. price_cut is not one of the available choices."]}),
        ({"provider": "acme"}, {"provider": ["Select a valid choice. acme is not one of the available choices."]}),
        ({"lab": "acme"}, {"lab": ["Select a valid choice. acme is not one of the available choices."]}),
        ({"topic": "gossip"}, {"topic": ["Select a valid choice. gossip is not one of the available choices."]}),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api, catalog, params, errors):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert details(response) == {"detail": f"Invalid value for: {next(iter(params))}.", "errors": errors}


def test_a_curators_change_says_curator_not_the_username(api, catalog):
    ana = get_user_model().objects.create_user("ana", is_staff=True)
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    curation.set_price(route, component="input", unit="per_1m_tokens", usd=Decimal("0.16"), user=ana)
    [event] = api.get(URL, {"kind": "price_changed"}).json()["results"]
    # Staff usernames are not published: a person's change is the curator's.
    assert (event["actor"], event["summary"], event["sync_run"]) == (
        "curator",
        "GPT-4o mini on Azure OpenAI: input $0.165 → $0.16",
        None,
    )


def test_pages_link_to_each_other(api, catalog):
    body = api.get(URL, {"page_size": 10, "page": 2}).json()
    assert (body["count"], len(body["results"])) == (25, 10)
    assert body["next"] == "http://testserver/api/v1/changes/?page=3&page_size=10"
    assert body["previous"] == "http://testserver/api/v1/changes/?page_size=10"


@pytest.mark.parametrize("page_size", [2, 20])
def test_a_page_takes_4_queries_whatever_its_size(api, db, page_size):
    build_catalog(20, routes=2)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(URL, {"page_size": page_size, "provider": "prov-1"})
    assert len(response.json()["results"]) == page_size
    assert all(event["provider"] == "prov-1" for event in response.json()["results"])
    # the lab and provider filters' choices, count, rows (model, lab, route, provider)
    assert len(queries) == 4
