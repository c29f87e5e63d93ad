"""Every public page at 1,280 and 390 px, light and dark: nothing wider than the screen, and a model's price and
where it came from are on screen without scrolling sideways. One browser, one tab per width and scheme."""

import pytest

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")
MODEL_PAGES = (
    "/models/openai/gpt-4o-mini/",
    "/models/meta/llama-3.3-70b-instruct/",  # a stale cheapest price
    "/models/anthropic/claude-3-7-sonnet/",  # retired
    "/models/anthropic/claude-sonnet-4-5/",  # long-context tiers
)
PAGES = (
    "/",
    "/models/",
    "/models/?retired=1",
    *MODEL_PAGES,
    "/labs/",
    "/labs/openai/",
    "/providers/",
    "/providers/openai/",
    "/providers/openrouter/",
    "/compare/?models=openai/gpt-4o-mini,anthropic/claude-sonnet-4-5,google/gemini-2.5-pro,meta/llama-3.3-70b-instruct",
    "/calculator/",
    "/changes/",
    "/benchmarks/",
    "/benchmarks/gpqa-diamond/",
    "/benchmarks/aime/",
    "/benchmarks/lmarena-text/",  # one score: too few to rank
    "/api/v1/docs/",
    "/api/guide/",
    "/no-such-page/",
)

OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !el.closest('.table-wrap'))
    .slice(0, 3).map((el) => `${el.tagName}.${el.className}`);
  return {scroll: root.scrollWidth, client: root.clientWidth, wide};
}"""


@pytest.fixture
def full_catalog(transactional_db, settings):
    from providers.sync.run import run_sync

    settings.CURATED_DATA_DIR = settings.BASE_DIR / "data" / "curated"
    assert run_sync("curated").status == "succeeded"


def inside(page, selector: str) -> bool:
    if page.locator(selector).count() == 0:
        return False
    box = page.locator(selector).first.bounding_box(timeout=2000)
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1


def test_every_page_fits_the_screen_with_prices_and_sources_in_view(full_catalog, browser, live_server):
    problems = []
    for width in WIDTHS:
        for scheme in SCHEMES:
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": width, "height": 900}, color_scheme=scheme
            )
            page = context.new_page()
            for path in PAGES:
                page.goto(path)
                where = f"{path} at {width} px, {scheme}"
                fit = page.evaluate(OVERFLOW)
                if fit["scroll"] > fit["client"]:
                    problems.append(f"{where}: {fit['scroll']} px wide ({', '.join(fit['wide'])})")
                if path in MODEL_PAGES:
                    first = "table.ladder tbody tr.route"
                    for cell in (f"{first} td.price", f"{first} td.source-cell"):
                        if not inside(page, cell):
                            problems.append(f"{where}: {cell} is off screen")
                    # Hovering (or long-pressing) a price says where it came from.
                    title = page.locator(f"{first} td.price").first.get_attribute("title") or ""
                    if "verified" not in title:
                        problems.append(f"{where}: the first price's title does not name its source: {title!r}")
                # A provider's routes: at 390 px each is a card with its prices on screen.
                if path in ("/providers/openai/", "/providers/openrouter/") and not inside(
                    page, "table.provider-routes tbody tr td.price"
                ):
                    problems.append(f"{where}: the first route's input price is off screen")
                if path == "/models/" and not inside(page, "table.browse-table tbody tr td.cheapest-price"):
                    problems.append(f"{where}: the first model's cheapest price is off screen")
            context.close()
    assert problems == []


def test_the_headline_price_carries_its_source_and_stale_flag(full_catalog, page):
    page.goto("/models/meta/llama-3.3-70b-instruct/")
    headline = page.locator(".headline-price .headline-source").first
    assert "OpenRouter models API" in headline.inner_text()
    assert headline.locator(".badge-stale").is_visible()


def test_a_peer_bar_with_a_long_figure_stays_inside_a_phone_screen(full_catalog, page):
    # The real catalog's figures ("$0.0375") are wider than the fixture's; a bar's figure column must give way to
    # them rather than widen the page (it did by 5-17 px at 390 px).
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/models/openai/gpt-4o-mini/")
    assert page.locator(".peer-bars li").count() > 0
    page.evaluate(
        "document.querySelectorAll('.peer-bars li > :last-child').forEach((el) => el.textContent = '$0.03750')"
    )
    result = page.evaluate(OVERFLOW)
    assert result["scroll"] <= result["client"], result
