"""Dated files through the same pipeline (`sync SOURCE --from-file PATH --as-of DATE`, `sync snapshots`)."""

import datetime as dt
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from catalog.models import LanguageModel
from providers.models import Price, SyncPayload, SyncRun
from providers.sync.snapshots import shipped_snapshots
from tests.conftest import FIXTURES, ROOT

AS_OF = dt.date(2026, 5, 15)


@pytest.fixture
def small_openrouter(tmp_path):
    """One page of the recorded OpenRouter models list: what `GET /models` answers, saved to a file."""
    path = tmp_path / "openrouter-models.json"
    shutil.copy(FIXTURES / "openrouter" / "models-page1.json", path)
    return path


def test_a_file_goes_through_the_pipeline_with_its_date(load_fixture_catalog, small_openrouter, capsys):
    call_command("sync", "openrouter", "--from-file", str(small_openrouter), "--as-of", AS_OF.isoformat())
    out = capsys.readouterr().out
    assert "[openrouter] succeeded" in out
    run = SyncRun.objects.get(source="openrouter")
    assert run.triggered_by == "file openrouter-models.json"
    assert run.notes[0] == "read from the file openrouter-models.json, as of 2026-05-15"
    assert not SyncPayload.objects.filter(sync_run=run).exists()  # a file is not a network read: no payload kept
    prices = Price.objects.filter(offering__provider__slug="openrouter", source="openrouter")
    assert prices.exists()
    assert set(prices.values_list("verified_on", flat=True)) == {AS_OF}
    assert LanguageModel.objects.filter(slug="openai/gpt-4o-mini").exists()


def test_a_second_replay_of_the_file_changes_nothing(load_fixture_catalog, small_openrouter, capsys):
    args = ("sync", "openrouter", "--from-file", str(small_openrouter), "--as-of", "2026-05-15", "--json")
    call_command(*args)
    capsys.readouterr()
    call_command(*args)
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["updated"]) == (0, 0)


def test_a_file_older_than_what_the_source_last_stated_is_refused_unless_asked(
    load_fixture_catalog, small_openrouter, capsys
):
    call_command("sync", "openrouter", "--from-file", str(small_openrouter), "--as-of", "2026-06-01")
    runs = SyncRun.objects.filter(source="openrouter").count()
    with pytest.raises(CommandError, match=r"as of 2026-06-01.*--older"):
        call_command("sync", "openrouter", "--from-file", str(small_openrouter), "--as-of", "2026-05-15")
    assert SyncRun.objects.filter(source="openrouter").count() == runs  # refused before any run
    call_command("sync", "openrouter", "--from-file", str(small_openrouter), "--as-of", "2026-05-15", "--older")
    assert SyncRun.objects.filter(source="openrouter").count() == runs + 1


def test_the_file_options_are_checked(db, small_openrouter, tmp_path):
    with pytest.raises(CommandError, match="give --from-file"):
        call_command("sync", "openrouter", "--as-of", "2026-05-15")
    with pytest.raises(CommandError, match="--from-file takes one of"):
        call_command("sync", "curated", "--from-file", str(small_openrouter))
    with pytest.raises(CommandError, match="no such file"):
        call_command("sync", "openrouter", "--from-file", str(tmp_path / "missing.json"))


def test_a_file_of_the_wrong_shape_fails_the_run_and_changes_nothing(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"models": []}')
    with pytest.raises(CommandError, match="sync failed: openrouter"):
        call_command("sync", "openrouter", "--from-file", str(bad))
    run = SyncRun.objects.get(source="openrouter")
    assert run.status == SyncRun.Status.FAILED
    assert "'data' list" in run.error


def test_epoch_reads_a_folder_of_csv_files(load_fixture_catalog):
    call_command("sync", "epoch", "--from-file", str(FIXTURES / "epoch"), "--as-of", "2025-10-30")
    assert SyncRun.objects.get(source="epoch").status == SyncRun.Status.SUCCEEDED


def test_sync_snapshots_replays_the_manifest_once_and_never_over_a_live_read(
    load_fixture_catalog, settings, tmp_path, small_openrouter, capsys
):
    shutil.copy(small_openrouter, tmp_path / "openrouter-2026-05-15.json")
    shutil.copytree(FIXTURES / "epoch", tmp_path / "epoch-2025-10-30")
    (tmp_path / "snapshots.toml").write_text(
        '[[snapshot]]\nsource = "openrouter"\nfile = "openrouter-2026-05-15.json"\nas_of = "2026-05-15"\n'
        '[[snapshot]]\nsource = "epoch"\nfile = "epoch-2025-10-30"\nas_of = 2025-10-30\n'
    )
    settings.SNAPSHOTS_DIR = tmp_path
    call_command("sync", "snapshots", "--json")
    first = json.loads(capsys.readouterr().out)
    assert first["status"] == "succeeded"
    assert [r["source"] for r in first["runs"]] == ["openrouter", "epoch"]
    assert first["created"] > 0
    call_command("sync", "snapshots", "--json")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["runs"] == []
    assert "was already replayed" in captured.err
    # Once a source has been read live, its older snapshot is not replayed over it.
    SyncRun.objects.filter(source="epoch").delete()
    SyncRun.objects.create(source="epoch", status=SyncRun.Status.SUCCEEDED, triggered_by="command")
    call_command("sync", "snapshots", "--json")
    assert "has been read from its live source" in capsys.readouterr().err


def test_the_shipped_manifest_lists_files_that_exist_and_no_metr():
    snapshots = shipped_snapshots(ROOT / "data" / "snapshots")
    assert {s.source for s in snapshots} == {"openrouter", "modelsdev", "litellm", "epoch"}
    assert all(s.as_of <= dt.date.today() for s in snapshots)
    size = sum(f.stat().st_size for f in (ROOT / "data" / "snapshots").rglob("*") if f.is_file())
    assert size < 5_000_000
