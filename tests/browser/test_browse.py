"""The catalog browser in a real browser: search, filter and sort in place, the back button, compare selection,
and the same page without JavaScript."""

import re

import pytest

pytestmark = [pytest.mark.browser]

MARKER = "window.__sameDocument"


@pytest.fixture
def catalog(transactional_db, settings, curated_fixture_dir):
    from providers.sync.run import run_sync

    settings.CURATED_DATA_DIR = curated_fixture_dir
    assert run_sync("curated").status == "succeeded"


def row_names(page) -> list[str]:
    return page.locator("table.browse-table tbody th[scope=row] > a").all_inner_texts()


def wait_for_query(page, pattern: str) -> None:
    page.wait_for_url(re.compile(pattern))
    page.wait_for_load_state("networkidle")


def test_a_reader_searches_filters_and_sorts_without_reloading_the_page(catalog, page, live_server, screenshot):
    page.goto("/")
    page.fill("#home-q", "gpt")
    page.press("#home-q", "Enter")
    page.wait_for_url(f"{live_server.url}/models/?q=gpt")
    assert row_names(page) == ["GPT-3.5 Turbo", "GPT-4o mini"]
    assert page.locator("#browse-q").input_value() == "gpt"
    page.evaluate(f"{MARKER} = true")

    # Sort: the results change in place and the URL records the sort.
    page.select_option("#id_sort", "newest")
    wait_for_query(page, r"/models/\?q=gpt&sort=newest$")
    assert row_names(page) == ["GPT-4o mini", "GPT-3.5 Turbo"]
    assert page.locator("#result-count").inner_text() == "2 models, sorted by newest first"
    assert page.title() == "Models matching “gpt” · LLM Catalog"

    # Filter by a price bound (typed, then Enter).
    page.fill("#id_max_input", "1")
    page.press("#id_max_input", "Enter")
    wait_for_query(page, r"/models/\?q=gpt&sort=newest&max_input=1$")
    assert row_names(page) == ["GPT-4o mini"]
    assert page.locator("#result-count").inner_text() == "1 model"

    # Typing in the search box updates the list as you type; an emptied box leaves the URL.
    page.fill("#browse-q", "")
    wait_for_query(page, r"/models/\?sort=newest&max_input=1$")
    assert row_names(page) == ["GPT-4o mini"]

    # A filter that empties the list says which one did it.
    page.check("text=Reasoning")
    wait_for_query(page, r"capability=reasoning")
    empty = page.locator(".empty")
    assert "No model matches these 2 filters together." in empty.inner_text()
    assert "without Max. input $ / 1M: at most $1.00: 1 model" in empty.inner_text()
    screenshot("catalog-browser-empty")

    # Removing the price bound from the chips brings Claude back, and clears the field of the form too.
    page.get_by_role("link", name="Remove filter: Max. input $ / 1M: at most $1.00").click()
    wait_for_query(page, r"/models/\?sort=newest&capability=reasoning$")
    assert row_names(page) == ["Claude Sonnet 4.5"]
    assert page.locator("#id_max_input").input_value() == ""

    # All of it happened in one document: no reload.
    assert page.evaluate(MARKER) is True

    # The back button returns to the previous list, with the form as it was.
    page.go_back()
    page.wait_for_url(re.compile(r"capability=reasoning"))
    page.wait_for_load_state("networkidle")
    assert "max_input=1" in page.url
    assert page.locator("#id_max_input").input_value() == "1"
    assert page.locator(".empty").is_visible()
    page.go_back()
    page.wait_for_url(re.compile(r"/models/\?sort=newest&max_input=1$"))
    page.wait_for_load_state("networkidle")
    assert row_names(page) == ["GPT-4o mini"]
    assert not page.locator("input[value=reasoning]").is_checked()
    assert page.errors == []

    page.goto("/models/?sort=blended")
    screenshot("catalog-browser")
    assert page.errors == []


def test_an_invalid_value_shows_its_error_in_place(catalog, page):
    page.goto("/models/")
    page.evaluate(f"{MARKER} = true")
    page.fill("#id_min_context", "12.5")
    page.press("#id_min_context", "Enter")
    page.locator(".error-box").wait_for()
    assert "Min. context (tokens): Enter a whole number." in page.locator(".error-box").inner_text()
    assert page.evaluate(MARKER) is True
    # The browser reports the 400 response itself; nothing else may fail.
    assert [e for e in page.errors if "status of 400" not in e] == []


def test_a_reader_selects_two_models_and_compares_them(catalog, page, live_server, screenshot):
    page.goto("/models/")
    button = page.locator("#compare-button")
    assert button.is_disabled()
    page.get_by_label("Select GPT-4o mini to compare").check()
    assert button.inner_text() == "Compare selected"
    assert button.is_disabled()

    # The selection survives a change of filters: GPT-4o mini stays picked while the list shows only Anthropic.
    page.select_option("#id_lab", "anthropic")
    wait_for_query(page, r"/models/\?lab=anthropic$")
    assert row_names(page) == ["Claude Sonnet 4.5"]
    page.get_by_label("Select Claude Sonnet 4.5 to compare").check()
    assert button.inner_text() == "Compare 2 models"
    assert "Selected: openai/gpt-4o-mini, anthropic/claude-sonnet-4-5." in page.locator("#compare-status").inner_text()
    screenshot("catalog-browser-compare-selection")
    assert page.errors == []

    button.click()
    page.wait_for_url(re.compile(r"/compare/"))
    assert page.url == f"{live_server.url}/compare/?models=openai/gpt-4o-mini,anthropic/claude-sonnet-4-5"


def test_the_browser_works_without_javascript(catalog, browser, live_server, screenshot):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/models/")
    page.select_option("#id_lab", "openai")
    page.select_option("#id_sort", "context")
    page.get_by_role("button", name="Apply filters").click()
    # The plain form submits every field; the server answers with the short URL.
    page.wait_for_url(f"{live_server.url}/models/?sort=context&lab=openai")
    assert row_names(page) == ["GPT-4o mini", "GPT-3.5 Turbo"]
    page.get_by_label("Select GPT-4o mini to compare").check()
    page.get_by_label("Select GPT-3.5 Turbo to compare").check()
    page.get_by_role("button", name="Compare selected").click()
    page.wait_for_url(re.compile(r"/compare/"))
    assert page.url == f"{live_server.url}/compare/?models=openai%2Fgpt-4o-mini&models=openai%2Fgpt-3.5-turbo"
    context.close()
