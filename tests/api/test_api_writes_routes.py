"""Staff writes of routes and prices through the API: providers.curation's validation, locking and history, and
nothing written without a staff token."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from benchmarks.models import BenchmarkScore
from catalog.models import LanguageModel
from providers import curation
from providers.models import ChangeEvent, Offering, Price, PriceComponent
from tests.problem import details

WRITE_REFUSED = "Writing needs the API token of a staff account with the permission for this change."

COMPONENTS = ", ".join(PriceComponent.values)


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def azure() -> Offering:
    return Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")


def open_input(offering: Offering) -> Price:
    return Price.objects.current().get(offering=offering, component="input", service_tier="standard", tier_min_tokens=0)


def snapshot() -> tuple:
    """Everything a write could touch."""
    return (
        list(
            Offering.objects.order_by("pk").values_list("pk", "provider_model_id", "status", "context_window", "source")
        ),
        list(Price.objects.order_by("pk").values_list("pk", "usd", "effective_to", "source")),
        ChangeEvent.objects.count(),
        BenchmarkScore.objects.count(),
        Offering.history.count() + Price.history.count() + BenchmarkScore.history.count(),
    )


def writes(catalog) -> list[tuple[str, str, dict]]:
    route, price = azure(), open_input(azure())
    return [
        (
            "post",
            "/api/v1/offerings/",
            {"model": "openai/gpt-3.5-turbo", "provider": "openai", "provider_model_id": "x"},
        ),
        ("patch", f"/api/v1/offerings/{route.pk}/", {"context_window": 64000}),
        (
            "post",
            f"/api/v1/offerings/{route.pk}/prices/",
            {"component": "input", "unit": "per_1m_tokens", "usd": "0.1"},
        ),
        ("post", f"/api/v1/prices/{price.pk}/end/", {}),
        ("post", f"/api/v1/prices/{price.pk}/release/", {}),
        (
            "post",
            "/api/v1/benchmarks/mmlu/scores/",
            {"model": "openai/gpt-4o-mini", "value": "90", "self_reported": False},
        ),
    ]


def test_an_anonymous_write_is_a_401_and_changes_nothing(catalog):
    before = snapshot()
    for method, url, body in writes(catalog):
        response = getattr(APIClient(), method)(url, body, format="json")
        assert response.status_code == 401, url
        assert details(response) == {"detail": "Authentication credentials were not provided."}
        assert response["WWW-Authenticate"] == "Token"
    assert snapshot() == before


def test_a_write_with_a_non_staff_token_is_a_403_and_changes_nothing(catalog):
    bob = client_for(get_user_model().objects.create_user("bob", is_staff=False))
    before = snapshot()
    for method, url, body in writes(catalog):
        response = getattr(bob, method)(url, body, format="json")
        assert response.status_code == 403, url
        assert details(response) == {"detail": WRITE_REFUSED}
    assert snapshot() == before


def test_a_bad_token_is_a_401(catalog):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    before = snapshot()
    assert client.patch(f"/api/v1/offerings/{azure().pk}/", {"status": "retired"}, format="json").status_code == 401
    assert snapshot() == before


# --- routes ----------------------------------------------------------------------------------------------------


def test_staff_add_a_route_which_becomes_the_curators(staff, catalog, ana):
    body = {
        "model": "openai/gpt-3.5-turbo",
        "provider": "openrouter",
        "provider_model_id": "openai/gpt-3.5-turbo",
        "context_window": 16385,
        "route_type": "serverless",
    }
    response = staff.post("/api/v1/offerings/", body, format="json")
    assert response.status_code == 201, response.json()
    route = Offering.objects.get(model__slug="openai/gpt-3.5-turbo")
    assert response.json() == {
        "id": route.pk,
        "model": "openai/gpt-3.5-turbo",
        "provider": "openrouter",
        "provider_model_id": "openai/gpt-3.5-turbo",
        "region": None,
        "quantization": None,
        "route_type": "serverless",
        "status": "active",
        "context_window": 16385,
        "max_output_tokens": None,
        "throughput_tps": None,
        "latency_p50_ms": None,
        "uptime_pct": None,
        "source": "curator",
        "prices": [],
    }
    event = ChangeEvent.objects.get(kind="offering_added", offering=route)
    assert (event.actor, event.summary) == ("ana", "GPT-3.5 Turbo is now served by OpenRouter")
    assert route.history.get().history_user == ana


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"provider": "azure-openai"}, {"provider": ["GPT-4o mini already has a route on Azure OpenAI there."]}),
        ({"model": "openai/gpt-5"}, {"model": ["Object with slug=openai/gpt-5 does not exist."]}),
        ({"context_window": 0}, {"context_window": ["A positive number of tokens."]}),
        ({"status": "gone"}, {"status": ['"gone" is not a valid choice.']}),
        ({"provider_model_id": ""}, {"provider_model_id": ["This field may not be blank."]}),
    ],
)
def test_a_route_that_breaks_a_rule_is_a_400_and_nothing_is_written(staff, catalog, fields, errors):
    before = snapshot()
    body = {"model": "openai/gpt-4o-mini", "provider": "anthropic", "provider_model_id": "gpt-4o-mini", **fields}
    response = staff.post("/api/v1/offerings/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert snapshot() == before


def test_staff_change_a_routes_facts(staff, catalog, ana):
    route = azure()
    response = staff.patch(
        f"/api/v1/offerings/{route.pk}/", {"context_window": 64000, "status": "deprecated"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["context_window"], response.json()["status"], response.json()["source"]) == (
        64000,
        "deprecated",
        "curator",
    )
    assert [p["usd"] for p in response.json()["prices"]] == ["0.165", "0.66"]
    events = ChangeEvent.objects.filter(kind="offering_changed", offering=route).order_by("field")
    assert [(e.field, e.old_value, e.new_value, e.actor) for e in events] == [
        ("context_window", "", "64000", "ana"),
        ("status", "active", "deprecated", "ana"),
    ]
    latest = azure().history.first()
    assert (latest.history_user, latest.context_window, latest.status) == (ana, 64000, "deprecated")
    assert staff.get(f"/api/v1/offerings/{route.pk}/").json()["status"] == "deprecated"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"region": "eu"}, {"region": ["This field cannot be edited."]}),
        ({"context_window": -1}, {"context_window": ["A positive number of tokens."]}),
        ({"route_type": "fast"}, {"route_type": ['"fast" is not a valid choice.']}),
    ],
)
def test_a_route_edit_that_breaks_a_rule_is_a_400_and_nothing_changes(staff, catalog, body, errors):
    before = snapshot()
    response = staff.patch(f"/api/v1/offerings/{azure().pk}/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert snapshot() == before


def test_an_unknown_route_is_a_json_404(staff, catalog):
    for pk in ("999999", "abc"):
        response = staff.patch(f"/api/v1/offerings/{pk}/", {"status": "active"}, format="json")
        assert (response.status_code, details(response)) == (404, {"detail": f"No route (offering) {pk}."})


# --- prices ----------------------------------------------------------------------------------------------------


def test_a_curators_price_closes_the_old_period_and_opens_its_own(staff, catalog, ana):
    route, old = azure(), open_input(azure())
    body = {
        "component": "input",
        "unit": "per_1m_tokens",
        "usd": "0.16",
        "source_url": "https://azure.microsoft.com/pricing/",
        "verified_at": "2026-11-01",
    }
    response = staff.post(f"/api/v1/offerings/{route.pk}/prices/", body, format="json")
    assert response.status_code == 201, response.json()
    old.refresh_from_db()
    new = open_input(route)
    assert old.effective_to == new.effective_from
    assert response.json() == {
        "component": "input",
        "unit": "per_1m_tokens",
        "usd": "0.16",
        "service_tier": "standard",
        "tier_min_tokens": None,
        "effective_from": new.effective_from.isoformat().replace("+00:00", "Z"),
        "source": "curator",
        "source_name": "curated by ana",
        "source_url": "https://azure.microsoft.com/pricing/",
        "verified_at": "2026-11-01",
        "published": None,
        "id": new.pk,
        "offering": route.pk,
        "effective_to": None,
    }
    event = ChangeEvent.objects.get(kind="price_changed")
    assert (event.actor, event.old_value, event.new_value, event.summary) == (
        "ana",
        "0.165000000",
        "0.160000000",  # as the curation service writes them: the column's nine places
        "GPT-4o mini on Azure OpenAI: input $0.165 → $0.16",
    )
    assert new.history.get().history_user == ana
    assert old.history.first().history_user == ana  # the closing of the old period
    # The same figure again only refreshes its provenance: 200, no new period.
    again = staff.post(f"/api/v1/offerings/{route.pk}/prices/", {**body, "verified_at": "2026-11-02"}, format="json")
    assert (again.status_code, again.json()["id"], again.json()["verified_at"]) == (200, new.pk, "2026-11-02")
    assert Price.objects.filter(offering=route, component="input").count() == 2


def test_a_new_tier_opens_without_closing_anything(staff, catalog):
    route = azure()
    response = staff.post(
        f"/api/v1/offerings/{route.pk}/prices/",
        {"component": "input", "unit": "per_1m_tokens", "usd": "0.3", "tier_min_tokens": 64000},
        format="json",
    )
    assert (response.status_code, response.json()["tier_min_tokens"]) == (201, 64000)
    assert open_input(route).usd == Decimal("0.165")
    assert ChangeEvent.objects.get(kind="price_added", actor="ana").field == "input above 64,000 tokens"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"usd": "-1"}, {"usd": ["A price cannot be negative."]}),
        ({"usd": None}, {"usd": ["A price needs an amount in USD."]}),
        ({"unit": None}, {"unit": ["Say what the price is per: per_1m_tokens, per_image, per_request, per_search..."]}),
        ({"unit": "per_image"}, {"unit": ["A input price is per token: give it per 1M tokens (per_1m_tokens)."]}),
        ({"component": "outptu"}, {"component": [f"“outptu” is not a price component ({COMPONENTS})."]}),
        (
            {"tier_min_tokens": 128000},
            {
                "tier_min_tokens": [
                    "128,000 tokens is at or beyond the route's 128,000-token context window: a tier threshold is the "
                    "prompt size above which a price applies, not the context window."
                ]
            },
        ),
        ({"usd": "abc"}, {"usd": ["A valid number is required."]}),
    ],
)
def test_a_price_that_breaks_a_rule_is_a_400_and_nothing_is_written(staff, catalog, fields, errors):
    before = snapshot()
    body = {"component": "input", "unit": "per_1m_tokens", "usd": "0.2", **fields}
    response = staff.post(f"/api/v1/offerings/{azure().pk}/prices/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert snapshot() == before


def test_staff_withdraw_a_price(staff, catalog, ana):
    price = open_input(azure())
    response = staff.post(f"/api/v1/prices/{price.pk}/end/")
    assert response.status_code == 200
    price.refresh_from_db()
    assert price.effective_to is not None
    assert response.json()["effective_to"] == price.effective_to.isoformat().replace("+00:00", "Z")
    event = ChangeEvent.objects.get(kind="price_removed")
    assert (event.actor, event.summary) == ("ana", "GPT-4o mini on Azure OpenAI: input $0.165 withdrawn")
    assert price.history.first().history_user == ana
    again = staff.post(f"/api/v1/prices/{price.pk}/end/")
    assert (again.status_code, again.json()["errors"]) == (
        400,
        {"effective_to": ["This price period has already ended."]},
    )


def test_staff_release_a_curators_price_to_the_syncs(staff, catalog, ana):
    price = curation.set_price(azure(), component="input", unit="per_1m_tokens", usd=Decimal("0.16"), user=ana)
    response = staff.post(f"/api/v1/prices/{price.pk}/release/")
    assert (response.status_code, response.json()["source"], response.json()["effective_to"]) == (200, "released", None)
    assert price.history.first().history_user == ana


def test_only_a_curators_open_price_can_be_released(staff, catalog, ana):
    synced = open_input(azure())
    before = snapshot()
    response = staff.post(f"/api/v1/prices/{synced.pk}/release/")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "source": ["Only a curator's price can be released; this one is from curated."]
    }
    assert snapshot() == before
    mine = curation.set_price(azure(), component="input", unit="per_1m_tokens", usd=Decimal("0.16"), user=ana)
    curation.end_price(mine, user=ana)
    response = staff.post(f"/api/v1/prices/{mine.pk}/release/")
    assert response.json()["errors"] == {"effective_to": ["This price period has already ended."]}


def test_an_unknown_price_is_a_json_404(staff, catalog):
    response = staff.post("/api/v1/prices/999999/end/")
    assert (response.status_code, details(response)) == (404, {"detail": "No price 999999."})


def test_the_model_facts_stay_the_models(staff, catalog):
    """A route write never touches the model's own facts or locks."""
    staff.patch(f"/api/v1/offerings/{azure().pk}/", {"context_window": 64000}, format="json")
    model = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    assert (model.context_window, model.locked_fields) == (128000, {})
