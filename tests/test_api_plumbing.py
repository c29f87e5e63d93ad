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


def test_an_unknown_endpoint_is_a_404(client, db):
    assert client.get("/api/v1/nope/").status_code == 404


@pytest.mark.parametrize("setting", ["120/min", "5/hour"])
def test_throttle_rates_come_from_settings_at_request_time(setting):
    from config.api import AnonymousThrottle

    with override_settings(API_ANON_RATE=setting):
        assert AnonymousThrottle().get_rate() == setting
