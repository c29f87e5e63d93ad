"""The models list and detail are rendered from flat rows (catalog.api.rows, lib.api.flat) for speed; the serializers
stay the declaration. These tests hold every answer to what the serializers render from model instances, byte for
byte, for every model of a catalog with cheapest routes, long-context tiers, batch prices, aliases, scores, a
successor, a snapshot, a retired model, a retired route, an unpriced route and a model with no route."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from catalog import selectors
from catalog.api import queries
from catalog.api.serializers import ModelDetailSerializer, ModelSummarySerializer
from catalog.api.views import model_document
from catalog.models import Capability, LanguageModel
from catalog.pages import listings
from lib.api.flat import FlatSerializer
from providers.models import Offering, Price, Provider
from tests.factories import build_catalog


def rendered(data: Any) -> str:
    """JSON text as the API writes it: key order, types and values all count."""
    return JSONRenderer().render(data).decode()


def reference_request():
    return RequestFactory().get("/")  # http://testserver, as the test client


@pytest.fixture
def varied_catalog(load_fixture_catalog):
    """The fixture catalog (tiers, batch prices, aliases, scores, a deprecated model with a successor and no route)
    and 3 built models, one of them retired, a snapshot, with every optional fact set; one retired route; one
    route with no price."""
    load_fixture_catalog()
    build_catalog(3, routes=2)
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    LanguageModel.objects.filter(slug="lab/model-0").update(
        status=LanguageModel.Status.RETIRED,
        deprecation_date=dt.date(2025, 1, 1),
        retirement_date=dt.date(2025, 6, 1),
        successor=mini,
        snapshot_of=mini,
        parameters_b=Decimal("7.250"),
        commercial_use="",
        architecture="MoE",
        open_weights=True,
        license="Apache-2.0",
        facts_source_url="https://example.com/model-0",
        supported_parameters=["seed", "temperature"],
        field_sources={"context_window": "curated", "name": "openrouter"},
    )
    # added after tool_calling: stored out of alphabetical order, listed in it
    LanguageModel.objects.get(slug="lab/model-0").capabilities.add(*Capability.ensure({"audio_input"}).values())
    Offering.objects.filter(model__slug="lab/model-1", provider__slug="prov-1").update(status="retired")
    provider = Provider.objects.get(slug="prov-0")
    Offering.objects.filter(model__slug="lab/model-2").update(region="eu", quantization="fp8")
    unpriced = Offering.objects.create(
        model=LanguageModel.objects.get(slug="openai/gpt-3.5-turbo"), provider=provider, provider_model_id="turbo"
    )
    assert not Price.objects.filter(offering=unpriced).exists()


def test_every_list_row_is_what_the_serializer_renders(client, varied_catalog):
    models = list(queries.with_cheapest_provider(listings.browse_models()))
    expected = ModelSummarySerializer(models, many=True, context={"request": reference_request()}).data
    body = client.get("/api/v1/models/", {"page_size": 200}).json()
    assert body["count"] == len(models) == 6
    assert [rendered(row) for row in body["results"]] == [rendered(row) for row in expected]


@pytest.mark.parametrize(
    "params",
    [
        {"ordering": "-price"},
        {"ordering": "blended", "status": "active"},
        {"q": "gpt"},
        {"capability": "tool_calling", "page_size": 2, "page": 2},
    ],
)
def test_filtered_rows_keep_the_filters_order_and_pages(client, varied_catalog, params):
    from catalog.api.filters import ApiModelFilter

    query = client.get("/api/v1/models/", params).wsgi_request.GET
    filters = ApiModelFilter(query, queryset=queries.with_cheapest_provider(listings.browse_models()))
    assert filters.is_valid()
    size = int(params.get("page_size", 50))
    start = (int(params.get("page", 1)) - 1) * size
    models = list(filters.qs[start : start + size])
    expected = ModelSummarySerializer(models, many=True, context={"request": reference_request()}).data
    results = client.get("/api/v1/models/", params).json()["results"]
    assert results, params
    assert [rendered(row) for row in results] == [rendered(row) for row in expected]


def test_every_detail_is_what_the_serializer_renders(client, varied_catalog):
    slugs = list(LanguageModel.objects.order_by("slug").values_list("slug", flat=True))
    assert len(slugs) == 6
    for slug in slugs:
        model = model_document(selectors.model_page(slug))
        expected = ModelDetailSerializer(model, context={"request": reference_request()}).data
        response = client.get(f"/api/v1/models/{slug}/")
        assert response.status_code == 200, slug
        assert response.content.decode() == rendered(expected), slug


def test_the_varied_catalog_has_what_it_claims(client, varied_catalog):
    """The comparisons above are only as good as the cases they cover."""
    retired = client.get("/api/v1/models/lab/model-0/").json()
    assert (retired["status"], retired["successor"], retired["snapshot_of"], retired["parameters_b"]) == (
        "retired",
        "openai/gpt-4o-mini",
        "openai/gpt-4o-mini",
        "7.25",
    )
    assert (retired["commercial_use"], retired["capabilities"]) == (None, ["audio_input", "tool_calling"])
    assert [route["region"] for route in retired["offerings"]] == [None, None]
    turbo = client.get("/api/v1/models/openai/gpt-3.5-turbo/").json()
    assert (turbo["cheapest"], [len(route["prices"]) for route in turbo["offerings"]]) == (None, [0])
    sonnet = client.get("/api/v1/models/anthropic/claude-sonnet-4-5/").json()
    assert any(price["tier_min_tokens"] for route in sonnet["offerings"] for price in route["prices"])
    mini = client.get("/api/v1/models/openai/gpt-4o-mini/").json()
    assert (len(mini["scores"]), len(mini["aliases"]), mini["cheapest"]["provider"]) == (2, 3, "openai")
    statuses = [route["status"] for route in client.get("/api/v1/models/lab/model-1/").json()["offerings"]]
    assert sorted(statuses) == ["active", "retired"]


# --- the flat renderer itself ---------------------------------------------------------------------------------------


def test_a_serializer_with_its_own_to_representation_is_refused():
    class Adjusted(serializers.Serializer):
        name = serializers.CharField()

        def to_representation(self, instance: Any) -> dict[str, Any]:
            return {**super().to_representation(instance), "name": "changed"}

    with pytest.raises(TypeError, match="overrides to_representation"):
        FlatSerializer(Adjusted)


def test_a_field_reading_the_whole_instance_needs_a_getter():
    class Whole(serializers.Field):
        def __init__(self) -> None:
            super().__init__(source="*", read_only=True)

        def to_representation(self, value: Any) -> Any:
            return value.name

    class WithWhole(serializers.Serializer):
        name = serializers.CharField()
        whole = Whole()

    with pytest.raises(TypeError, match=r"WithWhole\.whole"):
        FlatSerializer(WithWhole)
    flat = FlatSerializer(WithWhole, names={"whole": lambda row, context: row["name"].upper()})
    assert flat.columns == ("name",)
    assert flat.render({"name": "mini"}) == {"name": "mini", "whole": "MINI"}


def test_fields_render_as_the_serializer_renders_them():
    class Row(serializers.Serializer):
        lab = serializers.CharField(source="lab.slug")
        usd = serializers.DecimalField(max_digits=None, decimal_places=None, normalize_output=True)
        day = serializers.DateField(allow_null=True)
        tags = serializers.ListField(child=serializers.CharField())
        kind = serializers.SerializerMethodField()

        def get_kind(self, row: Any) -> str:
            return "fixed"

    flat = FlatSerializer(Row)
    assert flat.columns == ("lab__slug", "usd", "day", "tags")
    row = {"lab__slug": "openai", "usd": Decimal("0.1500"), "day": None, "tags": ["a"]}
    assert json.dumps(flat.render(row)) == json.dumps(
        {"lab": "openai", "usd": "0.15", "day": None, "tags": ["a"], "kind": "fixed"}
    )


@pytest.mark.parametrize("slug", ["openai/gpt-4o-mini", "lab/model.v2_x-1", "Lab/Model X", "lab/ünï", "lab/a:b@c"])
def test_links_are_formatted_as_reverse_makes_them(slug):
    """Plain slugs are formatted from one reversed path; any other takes reverse() itself (which quotes)."""
    from catalog.api.rows import SlugLinks
    from catalog.api.serializers import model_api_path

    request = reference_request()
    links = SlugLinks.of(request)
    assert links.url(slug) == request.build_absolute_uri(model_api_path(slug))
    assert links.page_url(slug) == request.build_absolute_uri(LanguageModel(slug=slug).get_absolute_url())
    assert SlugLinks.of(None).url(slug) == model_api_path(slug)
