import json

import pytest

from tests.conftest import FIXTURES


def load_fixture(*parts: str):
    return json.loads(FIXTURES.joinpath(*parts).read_text())


@pytest.fixture
def openrouter_feed(payload_server, settings):
    """OpenRouter's API as recorded in tests/fixtures/openrouter, served on 127.0.0.1 (two pages of models, the
    endpoints of GPT-4o mini; every other endpoints call answers 404)."""
    payload_server.add("/api/v1/models", load_fixture("openrouter", "models-page1.json"))
    payload_server.add("/api/v1/models?offset=5", load_fixture("openrouter", "models-page2.json"))
    payload_server.add(
        "/api/v1/models/openai/gpt-4o-mini/endpoints", load_fixture("openrouter", "endpoints-gpt-4o-mini.json")
    )
    settings.OPENROUTER_API_URL = f"{payload_server.url}/api/v1"
    settings.OPENROUTER_API_KEY = ""
    return payload_server


@pytest.fixture
def all_feeds(openrouter_feed, settings):
    """All four live sources as recorded in tests/fixtures, served by one local server."""
    server = openrouter_feed
    server.add("/litellm/prices.json", load_fixture("litellm", "prices.json"))
    server.add("/modelsdev/api.json", load_fixture("modelsdev", "api.json"))
    server.add("/vercel/v1/models", load_fixture("vercel", "models.json"))
    settings.LITELLM_PRICES_URL = f"{server.url}/litellm/prices.json"
    settings.MODELSDEV_API_URL = f"{server.url}/modelsdev/api.json"
    settings.VERCEL_GATEWAY_API_URL = f"{server.url}/vercel/v1"
    settings.VERCEL_API_KEY = ""
    server.add("/epoch/benchmark_data.zip", epoch_zip())
    server.add("/metr/results.yaml", FIXTURES.joinpath("metr", "results.yaml").read_bytes())
    settings.EPOCH_BENCHMARKS_URL = f"{server.url}/epoch/benchmark_data.zip"
    settings.METR_RESULTS_URL = f"{server.url}/metr/results.yaml"
    return server


def epoch_zip(directory=None) -> bytes:
    """Epoch AI's download as it comes: a zip of CSV files (here, the hand-made ones, in a folder as published)."""
    import io
    import zipfile

    directory = directory or FIXTURES / "epoch"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.glob("*.csv")):
            archive.writestr(f"benchmark_data/{path.name}", path.read_bytes())
        archive.writestr("benchmark_data/README.txt", "Epoch AI benchmark data, CC-BY-4.0")
    return buffer.getvalue()


@pytest.fixture
def synced_copy(db, tmp_path, curated_fixture_dir, settings):
    """A writable copy of the fixture catalog, synced once: tests edit it, or the catalog, and sync again."""
    import shutil

    from providers.sync.run import run_sync

    target = tmp_path / "curated"
    shutil.copytree(curated_fixture_dir, target)
    settings.CURATED_DATA_DIR = target
    assert run_sync("curated").status == "succeeded"
    return target
