import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from lib import formatting
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
    """$0.15, $0.075, $2.50, $0.06125: at most 4 significant digits, never float noise, "—" when unknown."""
    return formatting.usd(amount)


@register.filter
def tokens(count: int | None) -> SafeString | str:
    """128K, 1.05M, 16.4K for reading, the exact count in a title (hover or long-press): "—" when unknown."""
    short = formatting.tokens_short(count)
    if short == formatting.DASH:
        return short
    return format_html('<span class="tokens" title="{}">{}</span>', formatting.tokens_exact(count), short)


@register.filter
def tokens_text(count: int | None) -> str:
    """The short token count as plain text, for attributes and labels."""
    return formatting.tokens_short(count)


@register.filter(expects_localtime=True)
def day(value: dt.date | dt.datetime | None) -> str:
    """The site's one date style: 2026-04-23."""
    return formatting.day(value)


@register.filter(expects_localtime=True)
def moment(value: dt.datetime | None) -> str:
    """A time of day as well: 2026-04-23 14:05."""
    return formatting.moment(value)


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


@register.filter
def provenance(price: object) -> str:
    """Where a price came from, for its title: lib.formatting.provenance."""
    return formatting.provenance(price)


@register.filter
def metric_name(metric: str, scale: str = "") -> str:
    """ "Elo rating", "pass rate %": a benchmark's metric in words (lib/formatting.py)."""
    return formatting.metric_name(metric, scale)
