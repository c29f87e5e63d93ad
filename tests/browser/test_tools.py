"""The workload calculator and the compare page in a real browser: in-place updates with htmx, and the same
pages as plain GET forms and links without JavaScript."""

import re

import pytest

pytestmark = [pytest.mark.browser]

MINI, SONNET, TURBO = "openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5", "openai/gpt-3.5-turbo"


@pytest.fixture
def catalog(transactional_db, settings, curated_fixture_dir):
    from providers.sync.run import run_sync

    settings.CURATED_DATA_DIR = curated_fixture_dir
    assert run_sync("curated").status == "succeeded"


def mark_document(page) -> None:
    """A flag on the window that a full page load would wipe: proof that an update happened in place."""
    page.evaluate("window.__sameDocument = true")


def still_same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def first_route(page) -> str:
    return page.locator("table.cost-table tbody tr.route").first.inner_text()


def test_a_reader_runs_the_calculator(catalog, page, live_server, screenshot):
    page.goto("/calculator/")
    assert page.locator("h1").inner_text() == "Workload calculator"
    rows = page.locator("table.cost-table tbody tr.route")
    assert rows.count() == 4
    assert re.search(r"GPT-4o mini.*OpenAI API.*\$33\.00", first_route(page).replace("\n", " "))
    mark_document(page)

    # Half the prompt from the cache: a change event re-ranks in place and puts the workload in the URL.
    page.fill("#id_cached_pct", "50")
    page.press("#id_cached_pct", "Tab")
    page.wait_for_url(re.compile(r"cached_pct=50"))
    page.wait_for_function(
        "document.querySelector('table.cost-table tbody tr.route td.monthly').textContent.trim() === '$29.25'"
    )
    assert still_same_document(page)
    assert page.locator("#id_cached_pct").input_value() == "50"
    assert "(50% cached)" in page.locator("#results-summary").inner_text()
    assert page.locator("#live-status").inner_text().startswith("For 100,000 requests a month")

    # The arithmetic of the cheapest row.
    breakdown = page.locator("table.cost-table tr.extras").first
    assert not breakdown.locator("table.breakdown").is_visible()
    breakdown.locator("summary").click()
    table = breakdown.locator("table.breakdown")
    assert table.is_visible()
    text = table.inner_text()
    assert "Cached input (cache read)" in text
    assert "100,000 × 500 = 50,000,000 tokens" in text
    assert "$0.075 / 1M tokens" in text
    assert "$29.25" in text
    screenshot("calculator")
    assert page.errors == []

    # A negative number: the error appears next to its field, in place, and nothing is ranked.
    page.fill("#id_requests", "-5")
    page.press("#id_requests", "Tab")
    page.locator("#id_requests_error").wait_for()
    assert page.locator("#id_requests_error").inner_text() == "Must be 1 or more."
    assert page.locator("#id_requests").get_attribute("aria-invalid") == "true"
    assert page.locator("table.cost-table").count() == 0
    assert still_same_document(page)
    # The browser reports the 400 itself; nothing else may have gone wrong.
    assert [e for e in page.errors if "400" not in e] == []


def test_a_reader_compares_models_adds_one_and_removes_one(catalog, page, live_server, screenshot):
    page.goto(f"/compare/?models={MINI},{SONNET}")
    headers = page.locator("section[aria-labelledby=facts-h] thead th")
    assert [h.strip() for h in headers.all_inner_texts()] == ["Fact", "GPT-4o mini", "Claude Sonnet 4.5"]
    monthly = page.locator("td.monthly")
    assert monthly.first.inner_text().startswith("$33.00")
    assert monthly.nth(1).inner_text() == "$750.00"
    mark_document(page)

    # Add a third model by typing its name into the search box.
    page.fill("#add-model", "GPT-3.5 Turbo")
    page.click("#add-model-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/compare/?models={MINI},{SONNET},{TURBO}")
    page.wait_for_function("document.querySelectorAll('section[aria-labelledby=facts-h] thead th').length === 4")
    assert still_same_document(page)
    assert "GPT-3.5 Turbo" in page.locator("#compare-summary").inner_text()
    # Focus returns to the search box once the swap settles (so a keyboard user can add another at once).
    page.wait_for_function("document.activeElement && document.activeElement.id === 'add-model'", timeout=5000)
    screenshot("compare")

    # Remove Claude Sonnet 4.5 again.
    page.get_by_role("link", name="Remove Claude Sonnet 4.5 from the comparison").click()
    page.wait_for_url(f"{live_server.url}/compare/?models={MINI},{TURBO}")
    page.wait_for_function("document.querySelectorAll('section[aria-labelledby=facts-h] thead th').length === 3")
    assert still_same_document(page)
    assert [h.strip() for h in headers.all_inner_texts()] == ["Fact", "GPT-4o mini", "GPT-3.5 Turbo"]

    # The browser's back button returns to the three-model comparison.
    page.go_back()
    page.wait_for_url(f"{live_server.url}/compare/?models={MINI},{SONNET},{TURBO}")
    page.wait_for_function("document.querySelectorAll('section[aria-labelledby=facts-h] thead th').length === 4")
    assert page.errors == []


def test_both_pages_work_without_javascript(catalog, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/calculator/")
    page.fill("#id_cached_pct", "50")
    page.click("text=Rank routes")
    page.wait_for_url(re.compile(r"cached_pct=50"))
    assert "$29.25" in page.locator("table.cost-table tbody tr.route").first.inner_text()

    page.goto(f"/compare/?models={MINI},{SONNET}")
    page.fill("#add-model", TURBO)
    page.click("#add-model-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/compare/?models={MINI},{SONNET},{TURBO}")
    page.get_by_role("link", name="Remove GPT-4o mini from the comparison").click()
    page.wait_for_url(f"{live_server.url}/compare/?models={SONNET},{TURBO}")
    context.close()
