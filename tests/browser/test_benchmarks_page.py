import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def catalog(transactional_db, settings):
    from providers.sync.run import run_sync

    settings.CURATED_DATA_DIR = settings.BASE_DIR / "data" / "curated"
    assert run_sync("curated").status == "succeeded"


def test_a_reader_opens_a_leaderboard_filters_it_and_sees_the_frontier(catalog, page, screenshot):
    page.goto("/benchmarks/")
    page.get_by_role("link", name="GPQA Diamond").click()
    page.wait_for_url("**/benchmarks/gpqa-diamond/")
    assert page.locator("h1").inner_text() == "GPQA Diamond"
    assert page.locator("#scatter-chart").is_visible()
    assert page.locator("ol.frontier li").count() >= 2
    ranks = page.locator("table.leaderboard tbody tr td:first-child").all_inner_texts()
    assert ranks[0] == "1"
    assert "Scores credited to Epoch AI" in page.content()
    screenshot("benchmark-leaderboard")

    page.select_option("select[name=lab]", "openai")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/benchmarks/gpqa-diamond/?*lab=openai*")
    labs = page.locator("table.leaderboard tbody th span.muted").all_inner_texts()
    assert labs
    assert set(labs) == {"OpenAI"}
    assert page.errors == []


def test_the_model_page_shows_gpt_4o_minis_seed_and_epoch_scores(catalog, page):
    page.goto("/models/openai/gpt-4o-mini/")
    table = page.locator("table.scores").inner_text()
    for text in ("MMLU", "82.0%", "MMMU", "59.4%", "MMMU-Pro", "55.3%", "GPQA Diamond", "37.7%"):
        assert text in table, text
    assert "Epoch AI harness" in table
    assert page.errors == []
