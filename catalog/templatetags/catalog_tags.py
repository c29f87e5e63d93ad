from decimal import Decimal
from urllib.parse import urlsplit

from django import template
from django.utils.safestring import SafeString, mark_safe

from catalog.pages.formatting import format_usd
from lib.markdown import render_markdown

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitized by nh3 in render_markdown


@register.filter
def json_ld(document: str) -> SafeString:
    """A JSON document made safe inside <script type="application/ld+json">: <, > and & are escaped the way
    Django's json_script does, so text from a source can never close the script element."""
    return mark_safe(document.translate(_JSON_ESCAPES))  # noqa: S308 - escaped above


@register.filter
def http_url(url: str | None) -> str:
    """`url` when it is an absolute http(s) URL, else "": a link from a source is never javascript: or data:.
    Syncs and forms already refuse other URLs (providers/sync/screening.py); this is the last line."""
    if not url:
        return ""
    parts = urlsplit(str(url).strip())
    return str(url) if parts.scheme in ("http", "https") and parts.netloc else ""


@register.filter
def usd(amount: Decimal | None) -> str:
    """$0.15, $0.075, $2.50, $0.0375: at least two decimals, never float noise, "—" when unknown."""
    if amount is None or amount == "":
        return "—"
    return format_usd(Decimal(amount))


@register.filter
def tokens(count: int | None) -> str:
    """Round counts short (128000 -> 128K, 1000000 -> 1M, 1048576 -> 1M); others exact (16384 -> 16,384)."""
    if not count:
        return "—"
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count % 1_048_576 == 0:
        return f"{count // 1_048_576}M"
    if count % 1_000 == 0:
        return f"{count // 1_000}K"
    return f"{count:,}"


@register.filter
def score(value: Decimal | None, scale: str = "") -> str:
    """82.0%, 65.43%, 1235 (Elo), 142.5 (index): every published digit, at least one decimal for percentages."""
    if value is None:
        return "—"
    number = Decimal(value).normalize()
    exponent = number.as_tuple().exponent
    if scale == "percent":
        places = max(1, -exponent) if isinstance(exponent, int) else 1
        return f"{number:.{places}f}%"
    return f"{number:f}"
