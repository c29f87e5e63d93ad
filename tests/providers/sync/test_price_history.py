"""History from the source's date: a price first seen in a source dated D was in force on D at the latest, so it is
stored from D with its start unknown ("since ≤ D"), and the prices in force on D answer truthfully."""

import datetime as dt
from decimal import Decimal

import pytest

from providers.models import Price, SyncRun
from providers.sync.run import run_sync
from providers.sync.sources.feed import date_in_name

MINI = {
    "gpt-4o-mini": {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": 1.5e-07,
        "output_cost_per_token": 6e-07,
        "output_cost_per_token_batches": 3e-07,
    },
    "azure/eu/gpt-4o-mini": {
        "litellm_provider": "azure",
        "mode": "chat",
        "input_cost_per_token": 1.65e-07,
        "output_cost_per_token": 6.6e-07,
    },
}


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("https://example.com/litellm/prices-full-2026-07-05.json", dt.date(2026, 7, 5)),
        ("https://example.com/models-20260515.json", dt.date(2026, 5, 15)),
        ("https://example.com/2026-05-15/api.json", None),  # only the file's own name dates it
        ("https://example.com/prices-2026-13-05.json", None),
        ("https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json", None),
    ],
)
def test_a_files_name_dates_its_figures(url, date):
    assert date_in_name(url) == date


def _sync(payload_server, settings, name: str) -> SyncRun:
    payload_server.add(f"/litellm/{name}", MINI)
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/litellm/{name}"
    run = run_sync("litellm")
    assert run.status == "succeeded", run.error
    return run


def _eu_input() -> Price:
    return Price.objects.current().get(
        offering__provider__slug="azure-openai", offering__region="eu", component="input"
    )


def test_a_price_first_seen_in_a_dated_file_is_in_force_since_that_date_at_the_latest(
    load_fixture_catalog, payload_server, settings, client
):
    load_fixture_catalog()
    run = _sync(payload_server, settings, "prices-full-2026-07-05.json")
    assert run.source_date == dt.date(2026, 7, 5)
    price = _eu_input()
    assert (price.effective_from, price.start_known, price.verified_on) == (
        dt.datetime(2026, 7, 5, tzinfo=dt.UTC),
        False,
        dt.date(2026, 7, 5),
    )

    # The prices in force on the file's date include it.
    def eu_on(day: str) -> list[str]:
        answer = client.get(f"/api/v1/models/openai/gpt-4o-mini/prices/?as_of={day}").json()
        return [
            p["usd"]
            for route in answer["routes"]
            if (route["provider"], route["region"]) == ("azure-openai", "eu")
            for p in route["prices"]
            if p["component"] == "input"
        ]

    assert [Decimal(usd) for usd in eu_on("2026-07-05")] == [Decimal("0.165")]
    assert eu_on("2026-07-04") == []
    # The model page says so.
    assert "since ≤ 2026-07-05</span>" in client.get("/models/openai/gpt-4o-mini/").content.decode()
    # The same file again writes nothing.
    again = _sync(payload_server, settings, "prices-full-2026-07-05.json")
    assert (again.created, again.updated) == (0, 0), again.counts


def test_an_older_file_stating_the_same_figure_moves_the_start_back(load_fixture_catalog, payload_server, settings):
    load_fixture_catalog()
    _sync(payload_server, settings, "prices-subset-2026-08-01.json")
    assert _eu_input().effective_from == dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
    _sync(payload_server, settings, "prices-full-2026-07-05.json")
    price = _eu_input()
    assert (price.effective_from, price.start_known) == (dt.datetime(2026, 7, 5, tzinfo=dt.UTC), False)
    assert price.verified_on == dt.date(2026, 8, 1)  # the latest date a source stated it
    assert price.usd == Decimal("0.165")


def test_a_live_answer_is_dated_the_day_it_is_read(load_fixture_catalog, payload_server, settings):
    load_fixture_catalog()
    run = _sync(payload_server, settings, "prices.json")
    assert run.source_date == run.started_at.date()
    price = _eu_input()
    assert price.start_known is False
    assert price.effective_from.date() == run.started_at.date()
