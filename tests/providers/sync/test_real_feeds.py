"""Every source, fed the full real files of ../shared/data, into one database: no run fails, a re-run writes nothing."""

import json

from django.conf import settings as django_settings
from django.db.models import Exists, OuterRef

from catalog.models import LanguageModel
from providers.models import Offering, Price, SyncRun
from providers.sync.run import run_sync
from tests.providers.conftest import epoch_zip

ORDER = ("curated", "openrouter", "modelsdev", "litellm", "epoch", "metr")


def _serve(shared_data, payload_server, settings, litellm_file="prices-full-2026-07-05.json"):
    payload_server.add(
        "/api/v1/models", json.loads((shared_data / "openrouter" / "models-2026-05-15.json").read_text())
    )
    payload_server.add("/litellm.json", json.loads((shared_data / "litellm" / litellm_file).read_text()))
    payload_server.add(
        "/modelsdev.json", json.loads((shared_data / "modelsdev" / "api-derived-subset.json").read_text())
    )
    payload_server.add("/epoch.zip", epoch_zip(shared_data / "epoch"))
    payload_server.add("/metr.yaml", (shared_data / "metr" / "benchmark_results_1_1.yaml").read_bytes())
    settings.OPENROUTER_API_URL = f"{payload_server.url}/api/v1"
    settings.OPENROUTER_API_KEY = ""
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/litellm.json"
    settings.MODELSDEV_API_URL = f"{payload_server.url}/modelsdev.json"
    settings.EPOCH_BENCHMARKS_URL = f"{payload_server.url}/epoch.zip"
    settings.METR_RESULTS_URL = f"{payload_server.url}/metr.yaml"
    settings.CURATED_DATA_DIR = django_settings.BASE_DIR / "data" / "curated"


def test_every_source_syncs_the_full_real_files_and_a_rerun_writes_nothing(db, shared_data, payload_server, settings):
    _serve(shared_data, payload_server, settings)
    for name in ORDER:
        run = run_sync(name)
        assert run.status == SyncRun.Status.SUCCEEDED, (name, run.error)
    for name in ORDER:
        again = run_sync(name)
        assert again.status == SyncRun.Status.SUCCEEDED, (name, again.error)
        # Only the unmatched queue's hints may change: their closest candidates now include the models that
        # sources run after this one created.
        # "first party kept" counts a second-hand figure that was not written.
        written = {
            kind: n
            for kind, n in again.counts.items()
            if set(n) - {"unchanged", "first party kept"} and kind != "unmatched"
        }
        assert again.created == 0, name
        assert not written, (name, written)
    for run in SyncRun.objects.filter(pk__lte=len(ORDER)).order_by("pk"):
        print(*(f"{run.source}: {note}" for note in run.notes if note.startswith(("matched", "collapsed"))), sep="\n")
    # METR keys that curated aliases name keep their scores (looked up before any rewriting).
    for slug in ("anthropic/claude-opus-4", "anthropic/claude-opus-4-1", "google/gemini-3-pro-preview"):
        assert LanguageModel.objects.filter(slug=slug, scores__source="metr").exists(), slug
    # Epoch's thinking budgets are settings of one model, not ids of others
    versions = set(
        LanguageModel.objects.get(slug="anthropic/claude-opus-4")
        .scores.filter(source="epoch")
        .values_list("version", flat=True)
    )
    assert {"Epoch AI harness", "Epoch AI harness, 16K thinking budget"} <= versions, versions
    # Bedrock's and Vertex's ids of a model curators fold (their dated id is an alias) land on that model, no twin
    routes = set(
        LanguageModel.objects.get(slug="anthropic/claude-opus-4").offerings.values_list("provider__slug", flat=True)
    )
    assert {"aws-bedrock", "google-vertex"} <= routes, routes
    assert not LanguageModel.objects.filter(slug="anthropic/claude-opus-4-20250514").exists()
    # no router, no moving alias, no "(free)" among the models
    assert not LanguageModel.objects.filter(slug__in=["openrouter/auto", "openrouter/free"]).exists()
    assert not LanguageModel.objects.filter(slug__startswith="~").exists()
    assert not LanguageModel.objects.filter(name__icontains="(free)").exists()
    # Every live route the curated file lists is priced by some source: a curated route with no figure of its own
    # (Fireworks' kimi-k2-instruct-0905, Bedrock's and Fireworks' Llama 3.3 70B) gets the feed's price, which
    # needs the feed's id to name the route's model.
    unpriced = (
        Offering.objects.filter(source="curated")
        .exclude(status=Offering.Status.RETIRED)
        .exclude(Exists(Price.objects.current().filter(offering=OuterRef("pk"))))
        .values_list("provider__slug", "provider_model_id")
    )
    assert not list(unpriced)
    # The first Kimi K2's other names (Epoch's, Together's and Fireworks' "-instruct" ids) land on the model the
    # feeds created, through the curated aliases: its Together and Fireworks routes and Epoch's scores, no twin.
    kimi = LanguageModel.objects.get(slug="moonshot/kimi-k2")
    assert {"together", "fireworks"} <= set(kimi.offerings.values_list("provider__slug", flat=True))
    assert kimi.scores.filter(source="epoch").exists()
    assert not LanguageModel.objects.filter(slug__icontains="kimi-k2-instruct").exists()
