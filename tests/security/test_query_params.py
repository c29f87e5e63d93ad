"""Query parameters choose only among known fields: an unknown ordering, sort or filter value is a 400 that names
the parameter, an unknown filter name is ignored, and neither is ever a 500. Redirects (aliases, old addresses,
canonical compare URLs, slashes appended) never send a browser to another site."""

from __future__ import annotations

import pytest
from django.utils.http import url_has_allowed_host_and_scheme

HOSTILE = ["password", "lab__name__unknown", "-id", "id;drop table models", "name' OR '1'='1", "name)--", "x" * 3000]


def slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def catalog(load_fixture_catalog):
    load_fixture_catalog()


def test_the_api_refuses_an_unknown_ordering(client, catalog):
    for value in HOSTILE:
        response = client.get("/api/v1/models/", {"ordering": value})
        assert response.status_code == 400, value
        body = response.json()
        assert list(body["errors"]) == ["ordering"]
        assert "not one of the available choices" in body["errors"]["ordering"][0]


def test_the_model_browser_refuses_an_unknown_sort(client, catalog):
    for value in HOSTILE:
        response = client.get("/models/", {"sort": value})
        assert response.status_code == 400, value
        assert "Select a valid choice" in response.content.decode()


def test_a_hostile_filter_value_is_refused_by_name(client, catalog):
    for value in ("id;drop table models", "openai' OR '1'='1", "x" * 3000):
        for parameter in ("lab", "provider", "capability", "status", "input_modality"):
            response = client.get("/api/v1/models/", {parameter: value})
            assert response.status_code == 400, (parameter, value)
            assert list(response.json()["errors"]) == [parameter]
            assert client.get("/models/", {parameter: value}).status_code == 400, (parameter, value)


def test_an_unknown_filter_name_changes_nothing(client, catalog):
    everything = slugs(client.get("/api/v1/models/"))
    assert len(everything) > 2
    for name in ("password", "lab__name__unknown", "slug__regex", "id;drop table models", "order_by"):
        response = client.get("/api/v1/models/", {name: "a"})
        assert response.status_code == 200, name
        assert slugs(response) == everything
        page = client.get("/models/", {name: "a"})
        assert page.status_code == 200, name
        assert page.context["page"].paginator.count == len(everything)


def test_the_other_lists_ignore_an_ordering_they_do_not_offer(client, catalog):
    # (changes/ offers an ordering of its own and refuses a value it does not know: tests/api/test_hardening.py)
    for url in ("/api/v1/providers/", "/api/v1/benchmarks/", "/api/v1/benchmarks/mmlu/scores/"):
        plain = client.get(url)
        assert plain.status_code == 200
        for value in HOSTILE:
            response = client.get(url, {"ordering": value, "sort": value})
            assert response.status_code == 200, (url, value)
            assert response.json() == plain.json()


def test_a_leaderboard_refuses_an_unknown_lab(client, catalog):
    response = client.get("/benchmarks/mmlu/", {"lab": "openai' OR 1=1--", "weights": "password"})
    assert response.status_code == 400


# --- redirects stay on the site -----------------------------------------------------------------------------------

OFF_SITE = ["//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example"]


def assert_on_site(response) -> None:
    location = response.headers.get("Location")
    if location is None:
        return
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location
    assert not any(character in location for character in "\t\r\n"), location
    assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), location


@pytest.fixture
def hostile_aliases(catalog):
    """Aliases a source could supply, each naming a real model: the redirect goes to that model's page."""
    from catalog.models import LanguageModel, ModelAlias

    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    ids = ["https:/evil.example", "\\\\evil.example/x", "javascript:alert(1)/x", "evil.example/@attacker"]
    for external_id in ids:
        ModelAlias.objects.create(model=mini, source="hostile", external_id=external_id)
    return ids


def test_an_alias_redirect_goes_to_the_canonical_page(client, hostile_aliases):
    for external_id in hostile_aliases:
        page = client.get(f"/models/{external_id}/")
        assert page.status_code == 301, external_id
        assert page["Location"] == "/models/openai/gpt-4o-mini/"
        api = client.get(f"/api/v1/models/{external_id}/", {"next": "//evil.example"})
        assert api.status_code == 301, external_id
        assert api["Location"].startswith("/api/v1/models/openai/gpt-4o-mini/?")
        assert_on_site(api)


def test_no_crafted_address_redirects_off_site(client, catalog):
    for target in OFF_SITE:
        for response in _answers_to(client, target):
            assert response.status_code < 500, target
            assert_on_site(response)


def _answers_to(client, target: str) -> list:
    return [
        client.get("/benchmarks/", {"benchmark": target}),
        client.get("/compare/", {"models": target}),
        client.get("/compare/", {"models": f"openai/gpt-4o-mini,{target}"}),
        client.get("/api/v1/compare/", {"models": target}),
        client.get(f"/models/{target}/x/"),
        client.get(f"/api/v1/models/{target}/x/"),
        # As a server receives it: the raw path, leading slashes and all (APPEND_SLASH must not make it a URL).
        client.get("/", PATH_INFO=target),
        client.get("/", PATH_INFO=f"{target}/models"),
        client.get("/", PATH_INFO=f"/{target}"),
    ]


def test_an_old_benchmark_address_redirects_only_to_a_benchmark(client, catalog):
    response = client.get("/benchmarks/", {"benchmark": "mmlu"})
    assert response.status_code == 301
    assert response["Location"] == "/benchmarks/mmlu/"
    assert client.get("/benchmarks/", {"benchmark": "//evil.example"}).status_code == 404
