"""Who may write what (docs/security.md, "Roles"): every write the API and the admin offer, per role.

Roles: anonymous, signed in (not staff), staff without permissions, the Editor group (providers/roles.py) and a
superuser. API writes need the Django model permissions the admin needs; history and audit rows (prices, change
events, sync runs) are never deleted but by a superuser, one at a time, and a price is ended, not deleted.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token

from providers.models import ChangeEvent, Offering, Price, SyncRun
from tests.api.conftest import editor

MINI = "/api/v1/models/openai/gpt-4o-mini/"
UNIT = "per_1m_tokens"
ROLES = ["anonymous", "signed_in", "staff", "editor", "superuser"]


@pytest.fixture
def catalog(load_fixture_catalog):
    return load_fixture_catalog()


def make_user(role: str):
    users = get_user_model().objects
    if role == "anonymous":
        return None
    if role == "signed_in":
        return users.create_user("sam")
    if role == "staff":
        return users.create_user("stan", is_staff=True)
    if role == "editor":
        return editor("edie")
    return users.create_superuser("root", "root@example.com", "pw")


def token_for(role: str) -> dict[str, str]:
    user = make_user(role)
    return {} if user is None else {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def api_writes() -> list[tuple[str, str, dict]]:
    """(method, url, body) for every write the API offers, each valid for the fixture catalog."""
    azure = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    price = Price.objects.current().filter(offering=azure, component="output").first()
    return [
        ("post", "/api/v1/models/", {"lab": "openai", "slug": "gpt-role-test", "name": "Role test"}),
        ("patch", MINI, {"context_window": 131072}),
        ("post", f"{MINI}unlock/", {"fields": ["context_window"]}),
        (
            "post",
            "/api/v1/offerings/",
            {"model": "openai/gpt-3.5-turbo", "provider": "openrouter", "provider_model_id": "openai/gpt-3.5-turbo"},
        ),
        ("patch", f"/api/v1/offerings/{azure.pk}/", {"context_window": 100000}),
        ("post", f"/api/v1/offerings/{azure.pk}/prices/", {"component": "input", "unit": UNIT, "usd": "0.2"}),
        ("post", f"/api/v1/prices/{price.pk}/release/", {}),
        ("post", f"/api/v1/prices/{price.pk}/end/", {}),
        (
            "post",
            "/api/v1/benchmarks/mmlu/scores/",
            {"model": "openai/gpt-4o-mini", "value": "80", "self_reported": True},
        ),
    ]


EXPECTED_API = {"anonymous": {401}, "signed_in": {403}, "staff": {403}, "editor": None, "superuser": None}


@pytest.mark.parametrize("role", ROLES)
def test_api_writes_per_role(client, catalog, role):
    headers = token_for(role)
    for method, url, body in api_writes():
        events = ChangeEvent.objects.count()
        response = getattr(client, method)(url, body, content_type="application/json", headers=headers)
        expected = EXPECTED_API[role]
        if expected is None:
            # Allowed: the write happens, or the rules refuse it (a 400), never a 401/403.
            assert response.status_code in {200, 201, 400}, (url, response.content)
        else:
            assert response.status_code in expected, (url, response.status_code)
            assert ChangeEvent.objects.count() == events, url


def test_reads_need_nothing(client, catalog):
    for url in (MINI, "/api/v1/changes/", "/api/v1/providers/", "/api/v1/estimate/"):
        assert client.get(url).status_code == 200


# --- the admin ---------------------------------------------------------------------------------------------------


def admin_client(client, role: str):
    user = make_user(role)
    if user is not None:
        client.force_login(user)
    return client


AUDIT = [(Price, "price"), (ChangeEvent, "changeevent"), (SyncRun, "syncrun")]


@pytest.mark.parametrize("role", ROLES)
def test_only_a_superuser_deletes_history_and_never_in_bulk(client, catalog, role):
    client = admin_client(client, role)
    for model, name in AUDIT:
        row = model.objects.order_by("pk").first()
        assert row is not None, name
        changelist = client.get(reverse(f"admin:providers_{name}_changelist"))
        if changelist.status_code == 200:
            assert "delete_selected" not in changelist.content.decode(), name
        response = client.post(reverse(f"admin:providers_{name}_delete", args=[row.pk]), {"post": "yes"})
        if role == "superuser":
            assert response.status_code == 302, name
            assert not model.objects.filter(pk=row.pk).exists(), name
        else:
            assert response.status_code in {302, 403}, name
            assert model.objects.filter(pk=row.pk).exists(), (role, name)


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_deleting_a_route_cannot_erase_its_prices(client, catalog, role):
    client = admin_client(client, role)
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    prices = Price.objects.filter(offering=route).count()
    assert prices
    client.post(reverse("admin:providers_offering_delete", args=[route.pk]), {"post": "yes"})
    if role == "editor":
        assert Price.objects.filter(offering=route).count() == prices


def test_an_editor_ends_a_price_which_is_recorded_and_kept(client, catalog):
    client = admin_client(client, "editor")
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    price = Price.objects.current().filter(offering=route, component="input").first()
    response = client.post(
        reverse("admin:providers_price_changelist"),
        {"action": "end", "_selected_action": [price.pk]},
    )
    assert response.status_code == 302
    price.refresh_from_db()
    assert price.effective_to is not None
    event = ChangeEvent.objects.order_by("-id").first()
    assert event.kind == ChangeEvent.Kind.PRICE_REMOVED
    assert event.old_usd == Decimal(price.usd)


@pytest.mark.parametrize("role", ["signed_in", "staff"])
def test_without_permissions_the_admin_offers_nothing(client, catalog, role):
    client = admin_client(client, role)
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    response = client.get(reverse("admin:providers_offering_change", args=[route.pk]))
    assert response.status_code in {302, 403}
    price = Price.objects.current().filter(offering=route).first()
    client.post(reverse("admin:providers_price_changelist"), {"action": "end", "_selected_action": [price.pk]})
    price.refresh_from_db()
    assert price.effective_to is None
