"""The sync pipeline end to end: curated files -> normalizer -> upsert, with history and change events."""

import json
import shutil
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import LanguageModel, ModelAlias
from providers.models import ChangeEvent, Offering, Price, SyncRun
from providers.sync.run import run_sync


@pytest.fixture
def curated_copy(db, tmp_path, curated_fixture_dir, settings):
    """A writable copy of the fixture catalog, so a test can edit a file between two syncs."""
    target = tmp_path / "curated"
    shutil.copytree(curated_fixture_dir, target)
    settings.CURATED_DATA_DIR = target
    return target


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_it_loads_the_fixture_catalog(load_fixture_catalog):
    run = load_fixture_catalog()
    assert (run.created, run.updated, run.rejected) == (36, 0, 0)
    assert run.counts["price"] == {"created": 16}
    model = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    assert model.successor is None
    assert LanguageModel.objects.get(slug="openai/gpt-3.5-turbo").successor == model
    assert ChangeEvent.objects.filter(kind="model_added").count() == 3


def test_a_rerun_with_the_same_input_writes_nothing(load_fixture_catalog, django_assert_max_num_queries):
    load_fixture_catalog()
    events = ChangeEvent.objects.count()
    run = load_fixture_catalog()
    assert (run.created, run.updated, run.unchanged, run.rejected) == (0, 0, 36, 0)
    assert ChangeEvent.objects.count() == events
    assert Price.objects.count() == 16


def test_a_changed_price_closes_the_old_period_and_opens_a_new_one(curated_copy):
    assert run_sync("curated").created == 36
    _edit(curated_copy / "models" / "openai.toml", 'usd = "0.165"', 'usd = "0.18"')

    run = run_sync("curated")
    assert (run.created, run.updated) == (0, 1)
    rows = list(
        Price.objects.filter(offering__provider__slug="azure-openai", component="input").order_by("effective_from")
    )
    assert [r.usd for r in rows] == [Decimal("0.165"), Decimal("0.18")]
    old, new = rows
    assert old.effective_to == new.effective_from
    assert new.effective_to is None
    event = ChangeEvent.objects.get(kind="price_changed")
    assert (event.old_value, event.new_value, event.sync_run) == ("0.165000000", "0.180000000", run)
    assert event.summary == "GPT-4o mini on Azure OpenAI: input $0.165 → $0.18"
    # History answers "what did it cost then?"
    assert Price.objects.as_of(old.effective_from).get(offering=old.offering, component="input").usd == Decimal("0.165")


def test_a_price_dropped_from_the_file_is_closed_not_deleted(curated_copy):
    run_sync("curated")
    _edit(
        curated_copy / "models" / "openai.toml",
        '  { component = "cache_read", unit = "per_1m_tokens", usd = "0.075" },\n',
        "",
    )
    run = run_sync("curated")
    assert run.updated == 1
    cache = Price.objects.get(offering__provider__slug="openai", component="cache_read")
    assert cache.effective_to is not None
    assert ChangeEvent.objects.filter(kind="price_removed").count() == 1


def test_a_rejected_price_never_closes_the_stored_one(curated_copy):
    run_sync("curated")
    _edit(curated_copy / "models" / "openai.toml", 'usd = "0.075" }', 'usd = "-0.075" }')
    run = run_sync("curated")
    assert run.rejected == 1
    assert run.rejections[0]["field"] == "usd"
    assert run.rejections[0]["file"].endswith("models/openai.toml")
    assert Price.objects.current().filter(offering__provider__slug="openai", component="cache_read").exists()


def test_a_bad_row_stops_only_that_row(curated_copy):
    _edit(curated_copy / "models" / "anthropic.toml", 'lab = "anthropic"', 'lab = "antropic"')
    run = run_sync("curated")
    assert run.status == "succeeded"
    assert run.rejected == 1
    assert run.rejections[0]["entry"] == "antropic/claude-sonnet-4-5"
    assert run.rejections[0]["field"] == "lab"
    assert LanguageModel.objects.filter(lab__slug="openai").count() == 2


def test_a_dry_run_reports_but_keeps_nothing(curated_copy):
    run = run_sync("curated", dry_run=True)
    assert run.created == 36
    assert LanguageModel.objects.count() == 0
    assert Price.objects.count() == 0
    assert SyncRun.objects.get(pk=run.pk).dry_run


def test_a_failed_source_is_recorded_and_changes_nothing(db, settings, tmp_path):
    settings.CURATED_DATA_DIR = tmp_path / "missing"
    run = run_sync("curated")
    assert run.status == "failed"
    assert "curated data directory not found" in run.error
    assert run.finished_at is not None


def test_an_alias_already_used_by_another_model_is_rejected(curated_copy):
    run_sync("curated")
    _edit(
        curated_copy / "models" / "anthropic.toml",
        'name = "Claude Sonnet 4.5"',
        'name = "Claude Sonnet 4.5"\naliases = { openrouter = ["openai/gpt-4o-mini"] }',
    )
    run = run_sync("curated")
    assert run.rejections[0]["field"] == "aliases.openrouter"
    assert ModelAlias.objects.get(external_id="openai/gpt-4o-mini").model.slug == "openai/gpt-4o-mini"


def test_a_changed_fact_is_updated_with_an_event(curated_copy):
    run_sync("curated")
    _edit(curated_copy / "models" / "openai.toml", "context_window = 128000", "context_window = 131072")
    run = run_sync("curated")
    assert run.counts["model"] == {"unchanged": 2, "updated": 1}
    event = ChangeEvent.objects.get(kind="model_changed")
    assert (event.field, event.old_value, event.new_value) == ("context_window", "128000", "131072")


def test_the_sync_command_prints_progress_and_a_summary(load_fixture_catalog, capsys, settings, curated_fixture_dir):
    settings.CURATED_DATA_DIR = curated_fixture_dir
    call_command("sync", "curated")
    out = capsys.readouterr().out
    assert "[curated] reading" in out
    assert "[curated] succeeded in" in out
    assert "36 created, 0 updated, 0 unchanged, 0 rejected" in out


def test_the_sync_command_prints_json(settings, curated_fixture_dir, capsys, db):
    settings.CURATED_DATA_DIR = curated_fixture_dir
    call_command("sync", "curated", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["source"] == "curated"
    assert summary["status"] == "succeeded"
    assert (summary["created"], summary["updated"], summary["rejected"]) == (36, 0, 0)


def test_the_sync_command_fails_loudly(settings, tmp_path, db):
    with pytest.raises(CommandError, match="unknown source 'nope'"):
        call_command("sync", "nope")
    settings.CURATED_DATA_DIR = tmp_path / "missing"
    with pytest.raises(CommandError, match="sync failed: curated"):
        call_command("sync", "curated")


def test_an_unchanged_rerun_costs_a_fixed_number_of_queries(db, django_assert_num_queries):
    """The upsert reads each table once, whatever the batch size; it writes only what changed."""
    from tests.factories import build_catalog

    build_catalog(3)
    from providers.sync.run import apply_batch

    for size in (3, 12):
        batch = build_catalog(size)  # creates the missing models
        # 1 labs, 2 providers + their labs, 1 models + 3 prefetches of their modalities and capabilities,
        # 1 modalities, 1 capabilities, 1 aliases, 2 the routes' providers and the routes, 1 open prices,
        # 2 benchmarks and scores, 1 leaving the unmatched queue, 1 looking for vanished routes, 1 the routes'
        # providers' labs (a route limit is not a model fact), 2 the cross-route check (prices, open flags).
        # (No benchmark or successor in the batch: Django skips an empty IN.)
        with django_assert_num_queries(20):
            tally = apply_batch(batch, source="curated").tally
        assert tally.total("created") == tally.total("updated") == 0
    assert Offering.objects.count() == 24
