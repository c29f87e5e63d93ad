"""Routers and gateways (data/curated/gateways.toml): the file is valid, names only known providers, and a model
page lists every gateway that reaches one of the model's live routes."""

import os
import shutil
import tomllib

import pytest

from providers.gateways import GatewayFileError, all_gateways, gateways_for
from tests.conftest import ROOT

CURATED = ROOT / "data" / "curated"
URL = "/models/openai/gpt-4o-mini/"


def test_the_shipped_file_is_valid_and_names_only_catalog_providers():
    gateways = all_gateways(CURATED / "gateways.toml")
    providers = {p["slug"] for p in tomllib.loads((CURATED / "providers.toml").read_text())["provider"]}
    assert len(gateways) >= 12
    names = {g.name for g in gateways}
    assert {"LiteLLM", "OpenRouter", "Portkey AI Gateway", "Helicone AI Gateway", "Vercel AI Gateway"} <= names
    assert {"Azure AI Foundry Model Router", "Cloudflare AI Gateway", "Kong AI Gateway"} <= names
    for gateway in gateways:
        assert gateway.reaches <= providers, gateway.slug
        assert not gateway.provider or gateway.provider in providers
        assert gateway.docs_url.startswith("https://")


def test_a_gateway_serves_a_model_through_its_providers_or_its_own_route():
    gateways = all_gateways(CURATED / "gateways.toml")
    found = gateways_for([("openai", "OpenAI API"), ("openrouter", "OpenRouter")], gateways)
    by_slug = {reach.gateway.slug: reach for reach in found}
    assert by_slug["openrouter"].direct
    assert found[0].gateway.slug == "openrouter"  # its own route first
    assert by_slug["litellm"].via == ("OpenAI API", "OpenRouter")
    assert by_slug["kong-ai-gateway"].via == ("OpenAI API",)
    assert "azure-ai-foundry-model-router" not in by_slug  # reaches only Azure
    assert "vercel-ai-gateway" not in by_slug  # no route on it
    assert gateways_for([], gateways) == []


def test_a_bad_file_is_refused(tmp_path):
    bad = tmp_path / "gateways.toml"
    bad.write_text(
        '[[gateway]]\nslug = "x"\nname = "X"\nkind = "proxy"\ndescription = ""\ndocs_url = ""\nchecked = 2026-01-01\n'
    )
    with pytest.raises(GatewayFileError, match="kind 'proxy'"):
        all_gateways(bad)
    assert all_gateways(tmp_path / "missing.toml") == []


def test_the_model_page_lists_them(client, load_fixture_catalog, settings, tmp_path, curated_fixture_dir):
    load_fixture_catalog()
    curated = tmp_path / "curated"
    shutil.copytree(curated_fixture_dir, curated)
    shutil.copy(CURATED / "gateways.toml", curated / "gateways.toml")
    settings.CURATED_DATA_DIR = curated
    response = client.get(URL)
    reach = response.context["gateway_reach"]
    assert reach[0].gateway.slug == "openrouter"
    assert {"litellm", "portkey", "cloudflare-ai-gateway", "azure-ai-foundry-model-router"} <= {
        r.gateway.slug for r in reach
    }
    html = response.content.decode()
    assert "Routers and gateways that can serve it" in html
    assert "via Azure OpenAI" in html


def test_a_bad_file_is_reported_by_the_check_and_never_breaks_a_model_page(
    client, load_fixture_catalog, settings, tmp_path, curated_fixture_dir
):
    from providers.gateways import check_gateways_file

    load_fixture_catalog()
    curated = tmp_path / "curated"
    shutil.copytree(curated_fixture_dir, curated)
    (curated / "gateways.toml").write_text("[[gateway]\nslug = ")  # not TOML
    settings.CURATED_DATA_DIR = curated
    assert [error.id for error in check_gateways_file()] == ["providers.E001"]
    response = client.get(URL)
    assert response.status_code == 200
    assert all(reach.direct for reach in response.context["gateway_reach"])  # only providers' own routes


def test_a_docs_url_that_is_not_http_is_refused(tmp_path):
    bad = tmp_path / "gateways.toml"
    bad.write_text(
        '[[gateway]]\nslug = "x"\nname = "X"\nkind = "gateway"\ndescription = ""\n'
        'docs_url = "javascript:alert(1)"\nchecked = 2026-01-01\nprovider = "x"\n'
    )
    with pytest.raises(GatewayFileError, match="docs_url"):
        all_gateways(bad)


def test_an_edited_file_makes_kept_pages_stale(
    page_cache, client, load_fixture_catalog, settings, tmp_path, curated_fixture_dir
):
    load_fixture_catalog()
    curated = tmp_path / "curated"
    shutil.copytree(curated_fixture_dir, curated)
    shutil.copy(CURATED / "gateways.toml", curated / "gateways.toml")
    settings.CURATED_DATA_DIR = curated
    assert "Portkey AI Gateway" in client.get(URL).content.decode()
    assert client.get(URL)["X-Page-Cache"] == "hit"
    path = curated / "gateways.toml"
    text = path.read_text()
    path.write_text(text.replace('name = "Portkey AI Gateway"', 'name = "Portkey Gateway (renamed)"'))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a coarse clock may not have moved
    response = client.get(URL)
    assert response["X-Page-Cache"] == "miss"
    assert "Portkey Gateway (renamed)" in response.content.decode()
    assert client.get(URL)["X-Page-Cache"] == "hit"
