import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def catalog(transactional_db, settings, curated_fixture_dir):
    from providers.sync.run import run_sync

    settings.CURATED_DATA_DIR = curated_fixture_dir
    assert run_sync("curated").status == "succeeded"


def test_a_reader_searches_opens_a_model_and_copies_its_slug(catalog, page, live_server):
    page.goto("/")
    page.fill("#site-q", "gpt-4o-mini-2024-07-18")  # an alias: the search knows every source's id
    page.press("#site-q", "Enter")
    page.get_by_role("link", name="GPT-4o mini").click()
    assert page.url == f"{live_server.url}/models/openai/gpt-4o-mini/"
    assert page.locator("h1").inner_text().startswith("GPT-4o mini")
    assert "Cheapest of 3 routes: OpenAI API" in page.locator(".headline-price").inner_text()
    rows = page.locator("table.ladder tbody tr:not(.extras)")
    assert rows.count() == 3
    assert "cheapest" in rows.first.get_attribute("class")

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    button = page.locator("button.copy")
    assert button.inner_text() == "Copy slug"
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == "openai/gpt-4o-mini"
    assert button.inner_text() == "Copied"
    assert page.errors == []


def test_the_page_works_without_javascript(catalog, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/models/openai/gpt-4o-mini/")
    assert page.locator("table.ladder").is_visible()
    # The copy button needs script, so without script it stays hidden rather than doing nothing.
    assert not page.get_by_role("button", name="Copy slug").is_visible()
    context.close()


def test_a_reader_sorts_the_price_ladder_and_sees_the_history_chart(catalog, page, screenshot):
    page.goto("/models/openai/gpt-4o-mini/")

    def providers() -> list[str]:
        return [
            name.split("\n")[0].replace(" cheapest", "").strip()
            for name in page.locator("table.ladder tbody tr:not(.extras) th[scope=row]").all_inner_texts()
        ]

    assert providers() == ["OpenAI API", "OpenRouter", "Azure OpenAI"]
    output = page.get_by_role("button", name="Sort by Output")
    output.focus()
    page.keyboard.press("Enter")  # sorting works from the keyboard
    assert page.locator("th[aria-sort=ascending]").text_content() == "Output"
    assert providers()[-1] == "Azure OpenAI"  # $0.66, the dearest output
    page.keyboard.press("Enter")
    assert providers()[0] == "Azure OpenAI"
    assert page.locator("th[aria-sort=descending]").count() == 1
    chart = page.locator("#price-history-input")
    assert chart.is_visible()
    assert chart.bounding_box()["height"] > 100
    assert page.locator("script[type='application/ld+json']").count() == 1
    screenshot("model-page")
    assert page.errors == []
