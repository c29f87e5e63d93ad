"""The benchmark importers (Epoch AI, METR) and OpenRouter's Artificial Analysis block, on recorded files."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
import yaml

from benchmarks.models import BenchmarkScore
from providers.models import UnmatchedId
from providers.sync.run import run_sync
from providers.sync.sources.base import Known
from providers.sync.sources.epoch import EpochSource
from providers.sync.sources.metr import MetrSource
from tests.conftest import FIXTURES
from tests.payload_server import Reply
from tests.providers.conftest import epoch_zip

KNOWN = Known(
    labs=frozenset({"openai", "anthropic"}),
    models=frozenset({"openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5", "openai/gpt-3.5-turbo"}),
    benchmarks=frozenset({"gpqa-diamond", "epoch-capabilities-index", "metr-time-horizon"}),
)


def epoch_raw(directory=FIXTURES / "epoch") -> dict:
    files = {path.name: list(csv.DictReader(path.open(encoding="utf-8-sig"))) for path in directory.glob("*.csv")}
    return {"files": files, "other_files": ["frontiermath.csv"]}


def scores_of(batch, slug):
    [record] = [m for m in batch.models if m.slug == slug]
    return {(s.benchmark, s.version): s for s in record.scores}


def test_epoch_reads_fractions_as_percentages_keeps_the_best_run_and_the_effort():
    batch = EpochSource().normalize(epoch_raw(), KNOWN)
    mini = scores_of(batch, "openai/gpt-4o-mini")  # a dated id names its undated model: no snapshot made
    gpqa = mini[("gpqa-diamond", "Epoch AI harness")]
    assert (gpqa.value, gpqa.measured_on, gpqa.self_reported) == (Decimal("37.7210"), dt.date(2025, 1, 27), False)
    assert gpqa.source_url == "https://epoch.ai/benchmarks"
    assert mini[("epoch-capabilities-index", "ECI")].value == Decimal("126.0768")
    sonnet = scores_of(batch, "anthropic/claude-sonnet-4-5")
    assert sonnet[("gpqa-diamond", "Epoch AI harness, high reasoning effort")].value == Decimal("82.5758")
    assert sonnet[("gpqa-diamond", "Epoch AI harness")].value == Decimal("76.2626")
    assert batch.collapsed["duplicate score (the first-ranked id's best run kept)"] == 1
    assert batch.skipped["file not read: frontiermath.csv"] == 1


def test_epoch_rejects_bad_rows_and_queues_unknown_models():
    batch = EpochSource().normalize(epoch_raw(), KNOWN)
    [rejection] = batch.rejections
    assert (rejection.entry, rejection.field) == ("gpt-3.5-turbo (gpqa_diamond.csv)", "Best score (across scorers)")
    assert [u.external_id for u in batch.unmatched] == ["mystery-model-9000"]


def test_epoch_on_the_real_files(shared_data):
    batch = EpochSource().normalize(epoch_raw(shared_data / "epoch"), KNOWN)
    mini = scores_of(batch, "openai/gpt-4o-mini")
    assert mini[("gpqa-diamond", "Epoch AI harness")].value == Decimal("37.7210")
    assert batch.rejections == []


def test_metr_reads_minutes_and_tidies_its_ids():
    document = yaml.safe_load((FIXTURES / "metr" / "results.yaml").read_text())
    batch = MetrSource().normalize(document, KNOWN)
    mini = scores_of(batch, "openai/gpt-4o-mini")[("metr-time-horizon", "METR-Horizon-v1.1, 50% horizon")]
    assert mini.value == Decimal("6.31")
    assert scores_of(batch, "anthropic/claude-sonnet-4-5")[("metr-time-horizon", "METR-Horizon-v1.1, 50% horizon")]
    assert [(r.entry, r.field) for r in batch.rejections] == [
        ("broken_entry_inspect", "metrics.p50_horizon_length.estimate")
    ]
    assert [u.external_id for u in batch.unmatched] == ["gpt2"]


def test_metr_on_the_real_file(shared_data):
    document = yaml.safe_load((shared_data / "metr" / "benchmark_results_1_1.yaml").read_text())
    batch = MetrSource().normalize(document, KNOWN)
    assert batch.rejections == []
    assert len(batch.models) + len(batch.unmatched) == len(document["results"])


def test_both_importers_sync_from_urls_on_127_0_0_1_and_a_rerun_writes_nothing(load_fixture_catalog, all_feeds):
    load_fixture_catalog()
    for name in ("epoch", "metr"):
        run = run_sync(name)
        assert run.status == "succeeded", run.error
        again = run_sync(name)
        assert (again.created, again.updated) == (0, 0)
    score = BenchmarkScore.objects.get(model__slug="openai/gpt-4o-mini", benchmark__slug="gpqa-diamond", source="epoch")
    assert (score.value, score.version) == (Decimal("37.7210"), "Epoch AI harness")
    assert BenchmarkScore.objects.get(model__slug="openai/gpt-4o-mini", benchmark__slug="metr-time-horizon").value == (
        Decimal("6.31")
    )
    assert UnmatchedId.objects.filter(source="epoch", external_id="mystery-model-9000").exists()


def test_a_file_that_is_not_a_zip_fails_the_run_cleanly(load_fixture_catalog, all_feeds):
    load_fixture_catalog()
    all_feeds.add("/epoch/benchmark_data.zip", Reply(body=b"<html>moved</html>"))
    run = run_sync("epoch")
    assert run.status == "failed"
    assert "not a zip file" in run.error
    assert not BenchmarkScore.objects.filter(source="epoch").exists()


@pytest.mark.parametrize("body", [b"results: [1, 2", b"just: a string"])
def test_a_metr_file_it_cannot_read_fails_the_run_cleanly(load_fixture_catalog, all_feeds, body):
    load_fixture_catalog()
    all_feeds.add("/metr/results.yaml", Reply(body=body))
    run = run_sync("metr")
    assert run.status == "failed"
    assert run.error.startswith("SourceFormatError")


def test_openrouter_brings_artificial_analysis_indices(db, openrouter_feed):
    run_sync("openrouter")
    scores = dict(
        BenchmarkScore.objects.filter(model__slug="openai/gpt-4o-mini").values_list("benchmark__slug", "value")
    )
    assert scores == {
        "artificial-analysis-intelligence-index": Decimal("21.2"),
        "artificial-analysis-coding-index": Decimal("14.1"),
    }  # the agentic index was null


def test_the_zip_helper_nests_files_like_the_download():
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(epoch_zip())).namelist()
    assert "benchmark_data/gpqa_diamond.csv" in names
