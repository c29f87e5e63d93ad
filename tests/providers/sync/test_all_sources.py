"""All sources into one database: one model per real model, whatever each source calls it."""

import json

from django.core.management import call_command

from catalog.models import LanguageModel
from providers.models import Offering
from providers.sync.run import run_sync
from providers.sync.sources import live_sources


def gpt_4o_mini_routes() -> set[str]:
    return set(Offering.objects.filter(model__slug="openai/gpt-4o-mini").values_list("provider__slug", flat=True))


def test_the_four_live_sources_make_one_gpt_4o_mini_with_its_routes(db, all_feeds, settings, tmp_path):
    settings.CURATED_DATA_DIR = tmp_path  # an empty curated catalog: only the feeds
    for name in live_sources():
        run = run_sync(name)
        assert run.status == "succeeded", (name, run.error)
    assert LanguageModel.objects.filter(slug__contains="gpt-4o-mini").exclude(snapshot_of__isnull=False).count() == 1
    assert {"openai", "azure-openai", "openrouter", "vercel-ai-gateway"} <= gpt_4o_mini_routes()
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    assert {"litellm", "modelsdev", "openrouter", "vercel"} <= set(mini.aliases.values_list("source", flat=True))


def test_sync_all_runs_every_source_and_a_second_run_writes_nothing(
    db, all_feeds, settings, curated_fixture_dir, capsys
):
    settings.CURATED_DATA_DIR = curated_fixture_dir
    call_command("sync", "all", "--json")
    first = json.loads(capsys.readouterr().out)
    assert first["status"] == "succeeded", [r["error"] for r in first["runs"]]
    assert [r["source"] for r in first["runs"]] == [
        "curated",
        "openrouter",
        "vercel",
        "modelsdev",
        "litellm",
        "epoch",
        "metr",
    ]
    assert LanguageModel.objects.filter(slug="openai/gpt-4o-mini").count() == 1
    assert {"openai", "azure-openai", "openrouter", "vercel-ai-gateway"} <= gpt_4o_mini_routes()

    call_command("sync", "all", "--json")
    second = json.loads(capsys.readouterr().out)
    assert (second["created"], second["updated"]) == (0, 0), [
        (r["source"], r["counts"]) for r in second["runs"] if r["created"] or r["updated"]
    ]
    # The recorded files' deliberately bad rows (one Epoch score, one METR entry) are refused every time.
    assert second["rejected"] == first["rejected"] == 2


def test_the_real_files_sync_together(db, shared_data, payload_server, settings, tmp_path):
    """The real recorded payloads (when ../shared/data is present), into one database."""
    payload_server.add(
        "/api/v1/models", json.loads((shared_data / "openrouter" / "models-2026-05-15.json").read_text())
    )
    payload_server.add(
        "/litellm.json", json.loads((shared_data / "litellm" / "prices-subset-2026-08-01.json").read_text())
    )
    payload_server.add(
        "/modelsdev.json", json.loads((shared_data / "modelsdev" / "api-derived-subset.json").read_text())
    )
    settings.OPENROUTER_API_URL = f"{payload_server.url}/api/v1"
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/litellm.json"
    settings.MODELSDEV_API_URL = f"{payload_server.url}/modelsdev.json"
    for name in ("curated", "openrouter", "modelsdev", "litellm"):
        run = run_sync(name)
        assert run.status == "succeeded", (name, run.error)
        assert run.rejected == 0 or name != "curated"
    assert LanguageModel.objects.filter(slug="openai/gpt-4o-mini").count() == 1
    assert {"openai", "azure-openai", "openrouter", "vercel-ai-gateway"} <= gpt_4o_mini_routes()
    for name in ("openrouter", "modelsdev", "litellm"):
        again = run_sync(name)
        assert (again.created, again.updated) == (0, 0), (name, again.counts)


def test_the_full_real_files_sync_with_no_unknown_key_and_a_rerun_writes_nothing(
    db, shared_data, payload_server, settings
):
    """Every full real file (the whole LiteLLM map of 2026-07-05 included), twice: no failed run, no unknown pricing
    key, a queue of disagreements a curator would decide, and nothing written the second time."""
    from providers.models import Disagreement, Price, SyncRun

    payload_server.add(
        "/api/v1/models", json.loads((shared_data / "openrouter" / "models-2026-05-15.json").read_text())
    )
    payload_server.add(
        "/litellm/prices-full-2026-07-05.json",
        json.loads((shared_data / "litellm" / "prices-full-2026-07-05.json").read_text()),
    )
    payload_server.add(
        "/modelsdev.json", json.loads((shared_data / "modelsdev" / "api-derived-subset.json").read_text())
    )
    settings.OPENROUTER_API_URL = f"{payload_server.url}/api/v1"
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/litellm/prices-full-2026-07-05.json"
    settings.MODELSDEV_API_URL = f"{payload_server.url}/modelsdev.json"
    sources = ("curated", "openrouter", "modelsdev", "litellm")
    for name in sources:
        run = run_sync(name)
        assert run.status == "succeeded", (name, run.error)
        assert not [note for note in run.notes if "unknown pricing keys" in note], (name, run.notes)
    assert SyncRun.objects.get(source="litellm").source_date.isoformat() == "2026-07-05"
    # LiteLLM's first figures are known in force since its file's date, at the latest.
    litellm_price = Price.objects.filter(source="litellm").first()
    assert litellm_price is not None
    assert (litellm_price.effective_from.date().isoformat(), litellm_price.start_known) == ("2026-07-05", False)
    # The Vercel route's Gemini 2.5 Pro base price is Google's >200k figure (copied from LiteLLM): flagged.
    flag = Disagreement.objects.get(other_source="cross-route check", model__slug="google/gemini-2.5-pro")
    assert (flag.offering.provider.slug, flag.kept_value, flag.other_value) == ("vercel-ai-gateway", "2.5", "1.25")
    # No noise: nothing within a fact's tolerance, and no first party's own figure disputed by a stale copy.
    open_rows = Disagreement.objects.filter(status="open")
    assert not open_rows.filter(kind="price", kept_source="openrouter", offering__provider__slug="openrouter")
    assert open_rows.count() < 200
    for name in sources:
        again = run_sync(name)
        assert again.status == "succeeded", (name, again.error)
        assert (again.created, again.counts.get("price", {}).get("updated", 0)) == (0, 0), (name, again.counts)
