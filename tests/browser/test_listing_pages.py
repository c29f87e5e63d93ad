"""The home page, provider, lab and change pages in a real browser."""

import re
from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def catalog(transactional_db, settings, curated_fixture_dir):
    from providers.sync.run import run_sync

    settings.CURATED_DATA_DIR = curated_fixture_dir
    assert run_sync("curated").status == "succeeded"


@pytest.fixture
def full_catalog(transactional_db, settings):
    """The repository's curated catalog (81 models, 16 providers)."""
    from providers.sync.run import run_sync

    settings.CURATED_DATA_DIR = settings.BASE_DIR / "data" / "curated"
    assert run_sync("curated").status == "succeeded"


def column(page, table: str, index: int) -> list[str]:
    """The data-value (or text) of one column of a table, top to bottom."""
    return page.eval_on_selector_all(
        f"{table} tbody tr",
        "(rows, index) => rows.map((row) => row.cells[index].dataset.value ?? row.cells[index].textContent.trim())",
        index,
    )


def test_the_home_page_introduces_the_site_and_searches(catalog, page, live_server, screenshot):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Every language model, who serves it, and what it costs"
    assert page.title() == "Every LLM, every route, every price · LLM Catalog"
    cards = page.locator(".workloads .card")
    assert cards.count() == 3
    assert cards.first.locator("h3").inner_text() == "Agents with long context"
    assert cards.first.locator("ol li a").all_inner_texts() == ["GPT-4o mini", "Claude Sonnet 4.5"]
    assert page.locator("table.newest tbody th a").all_inner_texts() == [
        "Claude Sonnet 4.5",
        "GPT-4o mini",
        "GPT-3.5 Turbo",
    ]
    screenshot("home")
    page.get_by_label("Find a model by name, slug or any provider’s id").fill("sonnet")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(f"{live_server.url}/models/?q=sonnet")
    assert page.locator("table.browse-table tbody th a").all_inner_texts() == ["Claude Sonnet 4.5"]
    assert page.errors == []


def test_a_reader_opens_a_provider_and_sorts_its_models(full_catalog, page, live_server, screenshot):
    page.goto("/providers/")
    rows = page.locator("table.provider-list tbody tr")
    assert rows.count() == 16
    screenshot("provider-list")
    page.get_by_role("link", name="OpenRouter", exact=True).click()
    page.wait_for_url(f"{live_server.url}/providers/openrouter/")
    assert page.locator("h1").inner_text().startswith("OpenRouter")
    table = "table.provider-routes"
    statuses = column(page, table, 7)
    assert "retired" in statuses
    assert statuses == sorted(statuses, key=lambda status: status == "retired")  # live routes first, by model

    # Sort by input price with the mouse: cheapest first, unknown prices last.
    page.get_by_role("button", name="Sort by Input / 1M").click()
    assert page.locator(f"{table} th[aria-sort=ascending]").text_content() == "Input / 1M"
    prices = [Decimal(v) for v in column(page, table, 4) if v]
    assert len(prices) > 10
    assert prices == sorted(prices)
    screenshot("provider-page")

    # And again from the keyboard: most expensive first.
    button = page.get_by_role("button", name="Sort by Input / 1M")
    button.focus()
    page.keyboard.press("Enter")
    assert page.locator(f"{table} th[aria-sort=descending]").text_content() == "Input / 1M"
    prices = [Decimal(v) for v in column(page, table, 4) if v]
    assert prices == sorted(prices, reverse=True)
    assert page.errors == []


def test_a_lab_page_lists_its_models_newest_first(full_catalog, page, live_server, screenshot):
    page.goto("/labs/")
    page.get_by_role("link", name="OpenAI", exact=True).click()
    page.wait_for_url(f"{live_server.url}/labs/openai/")
    released = [v for v in column(page, "table.lab-models", 1) if v]
    assert len(released) > 5
    assert released == sorted(released, reverse=True)
    assert page.locator("table.lab-models ul.top-scores li").count() > 0
    screenshot("lab-page")
    assert page.errors == []


def test_the_change_log_filters_by_kind(catalog, page, live_server, screenshot):
    page.goto("/changes/")
    assert page.locator("table.change-log tbody tr").count() == 7
    page.select_option("#id_kind", "model_added")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/changes/\?kind=model_added"))
    assert page.locator("p.count strong").inner_text() == "3 changes"
    assert all(text == "New model" for text in page.locator("table.change-log tbody .badge").all_inner_texts())
    screenshot("changes")
    assert page.errors == []
