"""Every page renders as HTML: no template syntax leaks into what a reader sees."""

import re

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/models/",
        "/models/openai/gpt-4o-mini/",
        "/models/openai/gpt-3.5-turbo/",
        "/providers/",
        "/providers/openai/",
        "/labs/",
        "/labs/openai/",
        "/compare/?models=openai/gpt-4o-mini,anthropic/claude-sonnet-4-5",
        "/calculator/",
        "/benchmarks/",
        "/changes/",
    ],
)
def test_no_page_shows_template_syntax(client, load_fixture_catalog, url):
    load_fixture_catalog()
    response = client.get(url)
    assert response.status_code == 200
    # JSON data blocks may legitimately end in "}}": look at the HTML outside <script> elements.
    html = re.sub(r"<script\b.*?</script>", "", response.content.decode(), flags=re.S)
    for fragment in ("{#", "#}", "{%", "%}", "{{", "}}"):
        assert fragment not in html, f"{fragment!r} in {url}"
