import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def catalog(transactional_db, settings):
    from providers.services import run_sync

    settings.CURATED_DATA_DIR = settings.BASE_DIR / "data" / "curated"
    assert run_sync("curated").status == "succeeded"


def test_a_reader_picks_a_benchmark_and_sees_the_frontier(catalog, page, screenshot):
    page.goto("/benchmarks/")
    page.select_option("select[name=benchmark]", "gpqa-diamond")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/benchmarks/?benchmark=gpqa-diamond")
    assert page.locator("h2#scatter-h").inner_text() == "GPQA Diamond: score against price"
    assert page.locator("#scatter-chart").is_visible()
    assert page.locator("section ol li").count() >= 2  # the frontier
    screenshot("benchmarks-scatter")
    assert page.errors == []
