"""Markdown from sources and curators, rendered to HTML that cannot run script."""

from functools import lru_cache

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


# A pure function of the text, so kept by it: a model page renders its description once per process, not per
# request, and an edited description is a new key (the old one ages out).
@lru_cache(maxsize=1024)
def render_markdown(text: str) -> str:
    """Markdown -> sanitized HTML: no script, no event handlers, no javascript: links, external links nofollow."""
    if not text:
        return ""
    html = markdown_lib.markdown(text, extensions=["tables"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
