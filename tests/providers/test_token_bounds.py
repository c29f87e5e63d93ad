"""One bound for a token count (catalog.vocabulary.MAX_TOKENS): the most the columns hold, refused above it by every
writer (the API, a curator's edits, the sync's screening: tests/providers/sync/test_screening.py) and every filter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework.authtoken.models import Token

from catalog.models import LanguageModel
from catalog.vocabulary import MAX_TOKENS
from providers import curation
from providers.models import Offering
from tests.api.conftest import editor

MINI = "/api/v1/models/openai/gpt-4o-mini/"


@pytest.fixture
def ana(load_fixture_catalog):
    load_fixture_catalog()
    return editor("ana")  # the Editor group's rights: API writes check model permissions


@pytest.fixture
def staff(ana) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.create(user=ana).key}"}


def azure() -> Offering:
    return Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")


def test_the_bound_is_what_the_token_columns_hold_on_every_database(db):
    assert BaseDatabaseOperations.integer_field_ranges["PositiveIntegerField"] == (0, MAX_TOKENS)  # PostgreSQL's
    assert connection.ops.integer_field_range("PositiveIntegerField")[1] >= MAX_TOKENS
    for field in ("context_window", "max_output_tokens"):
        assert LanguageModel._meta.get_field(field).get_internal_type() == "PositiveIntegerField"
        assert Offering._meta.get_field(field).get_internal_type() == "PositiveIntegerField"


def test_the_api_stores_the_bound_and_refuses_one_more(client, staff):
    edit = {"content_type": "application/json", "headers": staff}
    assert client.patch(MINI, {"context_window": MAX_TOKENS}, **edit).status_code == 200
    assert LanguageModel.objects.get(slug="openai/gpt-4o-mini").context_window == MAX_TOKENS
    route = f"/api/v1/offerings/{azure().pk}/"
    for url, body in (
        (MINI, {"context_window": MAX_TOKENS + 1}),
        (MINI, {"max_output_tokens": MAX_TOKENS + 1}),
        (route, {"context_window": MAX_TOKENS + 1}),
        (
            f"{route}prices/",
            {"component": "input", "unit": "per_1m_tokens", "usd": "1", "tier_min_tokens": MAX_TOKENS + 1},
        ),
    ):
        method = client.post if url.endswith("prices/") else client.patch
        response = method(url, body, **edit)
        assert response.status_code == 400, (url, response.json())
        assert set(body) - {"component", "unit", "usd"} <= set(response.json()["errors"]), response.json()


def test_a_curators_edits_refuse_more_tokens_than_a_column_holds(ana):
    model = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    with pytest.raises(ValidationError, match="context_window"):
        curation.edit_model(model, {"context_window": MAX_TOKENS + 1}, user=ana)
    with pytest.raises(ValidationError, match="max_output_tokens"):
        curation.edit_offering(azure(), {"max_output_tokens": MAX_TOKENS + 1}, user=ana)
    with pytest.raises(ValidationError, match="tier_min_tokens"):
        curation.set_price(
            azure(),
            component="input",
            unit="per_1m_tokens",
            usd=Decimal(1),
            tier_min_tokens=MAX_TOKENS + 1,
            user=ana,
        )


@pytest.mark.parametrize("url", ["/models/", "/calculator/", "/api/v1/models/", "/api/v1/estimate/"])
def test_a_context_filter_takes_up_to_the_bound(client, db, url):
    assert client.get(url, {"min_context": MAX_TOKENS}).status_code == 200
    assert client.get(url, {"min_context": MAX_TOKENS + 1}).status_code == 400
