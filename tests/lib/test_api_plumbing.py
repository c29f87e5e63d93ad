"""What every API endpoint shares: the schema and docs are served, errors are JSON, reads are cacheable."""

import pytest
from django.test import override_settings


def test_the_schema_is_served_as_openapi_3(client, db):
    response = client.get("/api/v1/schema/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_the_docs_page_uses_vendored_assets_only(client, db):
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # its initialiser is a separate file


def test_an_unknown_endpoint_is_a_json_404_and_an_unknown_page_a_page(client, db):
    response = client.get("/api/v1/nope/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No API endpoint at /api/v1/nope/.")
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "Page not found" in page.content.decode()


def test_the_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


@pytest.mark.parametrize("setting", ["120/min", "5/hour"])
def test_throttle_rates_come_from_settings_at_request_time(setting):
    from lib.api.plumbing import AnonymousThrottle

    with override_settings(API_ANON_RATE=setting):
        assert AnonymousThrottle().get_rate() == setting


def test_a_rate_of_off_lets_every_request_through(client, db, settings):
    settings.API_ANON_RATE = "2/min"
    assert [client.get("/api/v1/labs/").status_code for _ in range(3)] == [200, 200, 429]
    settings.API_ANON_RATE = "off"
    assert [client.get("/api/v1/labs/").status_code for _ in range(3)] == [200, 200, 200]


def test_anonymous_clients_are_not_counted_under_the_token_rate(client, db, settings):
    # The token rate is for staff tokens; it once counted anonymous clients by IP as well, so that with the
    # anonymous limit off they were still cut off at the token rate.
    settings.API_ANON_RATE = "off"
    settings.API_USER_RATE = "2/min"
    assert [client.get("/api/v1/labs/").status_code for _ in range(3)] == [200, 200, 200]


def test_staff_tokens_are_counted_under_the_token_rate(client, db, settings):
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=get_user_model().objects.create_user("ana", is_staff=True))
    settings.API_ANON_RATE = "1/min"
    settings.API_USER_RATE = "2/min"
    headers = {"Authorization": f"Token {token.key}"}
    assert [client.get("/api/v1/labs/", headers=headers).status_code for _ in range(3)] == [200, 200, 429]


def test_nul_characters_are_refused_everywhere_with_a_400(client, db):
    response = client.get("/api/v1/models/", {"q": "gpt\x00"})
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "The address may not contain NUL (%00) characters.",
    )
    assert client.get("/models/", {"q": "a\x00b"}).status_code == 400
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=get_user_model().objects.create_user("ana", is_superuser=True, is_staff=True))
    response = client.post(
        "/api/v1/models/",
        data='{"lab": "open\\u0000ai", "slug_part": "x", "name": "X"}',
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_healthz_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_readyz_checks_the_database_and_fails_with_503_when_it_is_gone(client, db, monkeypatch):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
    from django.db.backends.utils import CursorWrapper

    def broken(self, *args, **kwargs):
        raise ConnectionError("gone")

    with monkeypatch.context() as patch:  # undone before the test database is rolled back
        patch.setattr(CursorWrapper, "execute", broken)
        response = client.get("/readyz")
    assert (response.status_code, response.json()["checks"]["database"]) == (503, "unavailable: ConnectionError")
