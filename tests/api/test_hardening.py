"""Issue 17's reproductions: no input makes a 500 under /api/, every error is problem details (RFC 9457), validation
names the parameter, conditional requests are exact, the cache key is the raw URL, CORS and RateLimit headers."""

from __future__ import annotations

import pytest
from django.urls import resolve

from catalog.models import Lab
from providers.models import ChangeEvent
from tests.problem import details

ESTIMATE = "/api/v1/estimate/"
MINI = "/api/v1/models/openai/gpt-4o-mini/"


# --- no input makes a 500 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ['{"lab":"\\ud800"}', '{"models":["\\ud800"]}', '{"\\ud800":1}', '{"lab":"\\udfff x"}'],
)
def test_lone_surrogates_in_a_body_are_a_400(client, catalog, body):
    response = client.post(ESTIMATE, body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in details(response)["detail"]


def test_a_staff_patch_with_a_lone_surrogate_is_a_400(client, catalog, editor_token):
    response = client.patch(MINI, '{"status":"\\ud800"}', content_type="application/json", headers=editor_token)
    assert response.status_code == 400
    assert "surrogate" in details(response)["detail"]


def test_deeply_nested_bodies_are_a_400(client, catalog):
    response = client.post(ESTIMATE, "[" * 5000 + "]" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert "nest" in details(response)["detail"]
    response = client.post(ESTIMATE, '{"models":' + "[" * 40 + "]" * 40 + "}", content_type="application/json")
    assert response.status_code == 400


def test_a_huge_integer_is_a_400_that_leaks_nothing(client, catalog):
    response = client.post(ESTIMATE, '{"limit": ' + "9" * 5000 + "}", content_type="application/json")
    assert response.status_code == 400
    detail = details(response)["detail"]
    assert "sys." not in detail
    assert "int_max_str_digits" not in detail


def test_a_json_parse_error_says_where_without_echoing(client, catalog):
    response = client.post(ESTIMATE, '{"limit": <script>}', content_type="application/json")
    assert response.status_code == 400
    assert "<script>" not in details(response)["detail"]


def test_too_many_query_parameters_are_a_json_400(client, catalog):
    response = client.get("/api/v1/models/?" + "&".join(f"p{i}=1" for i in range(1100)))
    assert response.status_code == 400
    assert "query parameters" in details(response)["detail"]


def test_a_body_over_the_limit_is_a_json_413(client, catalog, settings):
    response = client.post(ESTIMATE, "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), content_type="application/json")
    assert response.status_code == 413
    assert details(response)["detail"].startswith("The body may be at most")


def test_a_post_without_the_trailing_slash_is_routed_not_redirected(client, catalog):
    response = client.post(ESTIMATE.rstrip("/"), {"requests": 1000}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["workload"]["requests"] == 1000


def test_an_unknown_endpoint_is_a_problem_even_with_debug_on(client, catalog, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/nothing/")
    assert response.status_code == 404
    assert "/api/v1/" in details(response)["detail"]
    assert client.get("/api/v1/models").status_code == 301  # the slash is still appended to a GET


def test_an_unknown_endpoint_and_a_wrong_method_are_problems(client, catalog):
    response = client.get("/api/v1/nothing/")
    assert response.status_code == 404
    assert "/api/v1/" in details(response)["detail"]
    response = client.delete("/api/v1/estimate/")
    assert response.status_code == 405
    assert details(response)["detail"]


def test_a_crash_is_a_json_500(client, catalog, monkeypatch):
    from catalog.api import views

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.ModelListView, "get_queryset", boom)
    client.raise_request_exception = False
    response = client.get("/api/v1/models/")
    assert response.status_code == 500
    assert "boom" not in details(response)["detail"]


def test_throttled_answers_are_problems_with_retry_after(client, catalog, settings):
    settings.API_ANON_RATE = "1/min"
    client.get("/api/v1/labs/")
    response = client.get("/api/v1/labs/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert details(response)["detail"].startswith("Request was throttled")


# --- validation names the parameter ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-5", "false", "0", "201", "１０", "1_0"])
def test_a_bad_page_size_is_a_400_naming_it(client, catalog, value):
    response = client.get("/api/v1/models/", {"page_size": value})
    assert response.status_code == 400
    assert list(details(response)["errors"]) == ["page_size"]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "１"])
def test_a_bad_page_is_a_400_naming_it(client, catalog, value):
    response = client.get("/api/v1/models/", {"page": value})
    assert response.status_code == 400
    assert list(details(response)["errors"]) == ["page"]


def test_a_page_past_the_last_is_a_404(client, catalog):
    assert client.get("/api/v1/models/", {"page": 99}).status_code == 404


def test_an_empty_as_of_is_a_400(client, catalog):
    response = client.get(f"{MINI}prices/", {"as_of": ""})
    assert response.status_code == 400
    assert "as_of" in details(response)["errors"]


@pytest.mark.parametrize("value", ["１００００", "1_000"])
def test_integers_are_ascii_digits(client, catalog, value):
    response = client.get("/api/v1/models/", {"min_context": value})
    assert response.status_code == 400
    assert list(details(response)["errors"]) == ["min_context"]


def test_a_slug_must_be_text(client, catalog, editor_token):
    response = client.post(
        "/api/v1/models/",
        {"lab": "openai", "slug": 0, "name": "Zero"},
        content_type="application/json",
        headers=editor_token,
    )
    assert response.status_code == 400
    assert "slug" in details(response)["errors"]


@pytest.mark.parametrize("value", ["1_000", "１０００", True])
def test_integer_fields_of_a_body_refuse_odd_numerals(client, catalog, editor_token, value):
    response = client.patch(MINI, {"context_window": value}, content_type="application/json", headers=editor_token)
    assert response.status_code == 400
    assert list(details(response)["errors"]) == ["context_window"]


# --- conditional requests and the cache key -----------------------------------------------------------------------


def test_reads_have_an_etag_on_get_and_head_and_no_inexact_last_modified(client, catalog):
    for url in (MINI, "/api/v1/labs/openai/", "/api/v1/changes/", "/api/v1/providers/"):
        get, head = client.get(url), client.head(url)
        assert get["ETag"] == head["ETag"], url
        assert not get.has_header("Last-Modified"), url
        assert client.head(url, headers={"If-None-Match": get["ETag"]}).status_code == 304


def test_a_lab_description_edit_is_not_a_304(client, catalog):
    url = "/api/v1/labs/openai/"
    first = client.get(url)
    Lab.objects.filter(slug="openai").update(description="Edited.")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    # No Last-Modified to send back: If-Modified-Since alone never answers 304 for changed content.
    since = client.get(url, headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert since.status_code == 200


def test_deleting_an_event_changes_the_etag_of_the_feed(client, catalog):
    first = client.get("/api/v1/changes/")
    ChangeEvent.objects.filter(pk=ChangeEvent.objects.order_by("-id").values("pk")[:1]).delete()
    assert client.get("/api/v1/changes/", headers={"If-None-Match": first["ETag"]}).status_code == 200


@pytest.mark.usefixtures("page_cache")
def test_dot_segments_are_not_served_from_the_lists_cache_entry(client, catalog):
    assert client.get("/api/v1/models/").status_code == 200
    response = client.get("/api/v1/models/openai/%2e%2e/")
    assert response.status_code == 404
    assert not response.has_header("X-Page-Cache") or response["X-Page-Cache"] != "hit"
    page = client.get("/models/openai/%2e%2e/")
    assert page.get("X-Page-Cache") != "hit"


@pytest.mark.usefixtures("page_cache")
def test_no_two_differently_routed_urls_share_a_cache_entry(client, catalog):
    from django.test import RequestFactory
    from django.urls import Resolver404

    from lib import caching

    urls = [
        "/api/v1/models/",
        "/api/v1/models/openai/%2e%2e/",
        "/api/v1/models/openai/./",
        "/api/v1/labs/",
        "/api/v1/labs/openai/",
        "/api/v1/labs/openai/../",
        "/models/",
        "/models/openai/%2e%2e/",
    ]
    factory = RequestFactory()
    keys: dict[str, tuple] = {}
    for url in urls:
        request = factory.get(url)
        try:
            match = resolve(request.path_info)
            route: tuple | None = (match.route, tuple(sorted(match.kwargs.items())))
        except Resolver404:
            route = None
        key = caching.request_url(request)
        if key in keys:
            assert keys[key] == route, f"{url} shares an entry with a URL routed elsewhere"
        keys[key] = route
    assert len(keys) == len(urls)


# --- CORS and RateLimit ---------------------------------------------------------------------------------------------


def test_cors_exposes_the_headers_clients_need(client, catalog):
    response = client.get("/api/v1/labs/", headers={"Origin": "https://dashboard.example"})
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "last-modified", "retry-after", "x-request-id", "ratelimit", "ratelimit-policy"} <= exposed


def test_the_estimate_preflight_allows_post(client, catalog):
    headers = {"Origin": "https://dashboard.example", "Access-Control-Request-Method": "POST"}
    response = client.options(ESTIMATE, headers=headers)
    assert "POST" in response["Access-Control-Allow-Methods"]
    other = client.options("/api/v1/offerings/", headers=headers)
    assert "POST" not in other["Access-Control-Allow-Methods"]


def test_answers_carry_ratelimit_headers(client, catalog, settings):
    settings.API_ANON_RATE = "5/min"
    first = client.get("/api/v1/labs/")
    assert first["RateLimit-Policy"] == "5;w=60"
    assert first["RateLimit"].startswith("limit=5, remaining=4, reset=")
    assert client.get("/api/v1/labs/")["RateLimit"].startswith("limit=5, remaining=3")


# --- the change feed ----------------------------------------------------------------------------------------------


def test_the_change_feed_is_pollable_with_a_cursor_oldest_first(client, catalog):
    everything = client.get("/api/v1/changes/", {"ordering": "occurred_at", "page_size": 200}).json()["results"]
    ids = [event["id"] for event in everything]
    assert ids == sorted(ids)
    cursor = ids[1]
    after = client.get("/api/v1/changes/", {"ordering": "occurred_at", "after": cursor, "page_size": 200})
    assert [event["id"] for event in after.json()["results"]] == ids[2:]
    assert client.get("/api/v1/changes/", {"after": "x"}).status_code == 400


def test_since_and_until_take_datetimes(client, catalog):
    assert client.get("/api/v1/changes/", {"since": "2000-01-01T00:00:00Z"}).json()["count"] > 0
    assert client.get("/api/v1/changes/", {"until": "2000-01-01T00:00:00+02:00"}).json()["count"] == 0
    response = client.get("/api/v1/changes/", {"since": "yesterday"})
    assert list(details(response)["errors"]) == ["since"]


def test_public_events_name_no_staff_member(client, catalog, editor_token):
    client.patch(MINI, {"context_window": 131072}, content_type="application/json", headers=editor_token)
    actors = {event["actor"] for event in client.get("/api/v1/changes/", {"page_size": 200}).json()["results"]}
    assert actors <= {None, "curator"}
    assert "curator" in actors


def test_the_api_root_is_an_index(client, db):
    body = client.get("/api/v1/").json()
    assert body["docs"].endswith("/api/v1/docs/")
    assert body["endpoints"]["models"]["url"].endswith("/api/v1/models/")
    assert body["endpoints"]["benchmark_frontier"]["url"].endswith("/api/v1/benchmarks/{slug}/frontier/")


# --- the OpenAPI document says what the API does -------------------------------------------------------------------


def test_the_schema_states_access_limits_required_fields_and_headers(client, db):
    document = client.get("/api/v1/schema/", headers={"Accept": "application/json"}).json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if method in ("get", "head"):
                assert {} in operation.get("security", [{}]), (method, path)
                assert "304" in responses, (method, path)
                assert {"ETag", "RateLimit", "RateLimit-Policy"} <= set(responses["200"]["headers"]), (method, path)
            assert responses["429"]["headers"]["Retry-After"]["required"], (method, path)
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"], (method, path, code)
    assert {"component", "unit", "usd"} <= set(document["components"]["schemas"]["PriceInputRequest"]["required"])
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/models/"]["get"]["parameters"]}
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 200)
    assert "1000000" in parameters["max_input_price"]["pattern"]
    changes = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/changes/"]["get"]["parameters"]}
    assert {"date", "date-time"} <= {option["format"] for option in changes["since"]["anyOf"]}
    assert changes["after"]["type"] == "integer"


def _change_price():
    from decimal import Decimal

    from providers import curation
    from providers.models import Offering
    from tests.api.conftest import editor

    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    curation.set_price(route, component="input", unit="per_1m_tokens", usd=Decimal("0.2"), user=editor("pam"))


def _change_route():
    from providers.models import Offering

    Offering.objects.filter(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai").update(
        context_window=64000
    )


def _change_model():
    from catalog.models import LanguageModel

    LanguageModel.objects.filter(slug="openai/gpt-4o-mini").update(name="GPT-4o mini (renamed)")


def _change_lab():
    Lab.objects.filter(slug="openai").update(description="Edited.", name="OpenAI Inc.")


def _change_score():
    from benchmarks.models import BenchmarkScore

    BenchmarkScore.objects.filter(model__slug="openai/gpt-4o-mini").update(value=1)


def _delete_event():
    ChangeEvent.objects.filter(pk=ChangeEvent.objects.order_by("-id").values("pk")[:1]).delete()


CHANGES = {
    "price": (_change_price, [MINI, "/api/v1/providers/azure-openai/", "/api/v1/changes/"]),
    "route": (_change_route, [MINI, "/api/v1/providers/azure-openai/"]),
    "model": (_change_model, [MINI, "/api/v1/models/", "/api/v1/labs/openai/"]),
    "lab": (_change_lab, ["/api/v1/labs/", "/api/v1/labs/openai/"]),
    "score": (_change_score, ["/api/v1/benchmarks/mmlu/scores/", MINI]),
    "event deleted": (_delete_event, ["/api/v1/changes/"]),
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_a_change_of_every_kind_ends_the_304(client, catalog, kind):
    change, urls = CHANGES[kind]
    etags = {url: client.get(url)["ETag"] for url in urls}
    for url, etag in etags.items():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
    change()
    for url, etag in etags.items():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 200, (kind, url)
        assert client.head(url, headers={"If-None-Match": etag}).status_code == 200, (kind, url)
