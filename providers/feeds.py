"""RSS and Atom feeds of the change log: the same rows and the same GET filters as /changes/
(?provider=&lab=&kind=&since=); an invalid filter is a 400."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from catalog.pages.filters import ChangeFilter
from lib.caching import cached_page
from providers.models import ChangeEvent

FEED_SIZE = 50
_XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


TITLE = "LLM Catalog: price changes and new models"


class ChangesRssFeed(Feed):
    titles_are_html = True
    description = "Price changes, new models, new routes and retirements of language models, newest first."

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Cached like the pages (keyed by the full URL, so per filter), invalidated by any data change.
        try:
            return cached_page(super().__call__)(request, *args, **kwargs)
        except BadRequest as error:
            return HttpResponseBadRequest(f"{error}\n", content_type="text/plain; charset=utf-8")

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> ChangeFilter:
        filters = ChangeFilter(request.GET)
        if not filters.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filters.form.errors.items())
            raise BadRequest(f"Invalid feed filter ({problems})")
        return filters

    def link(self, filters: ChangeFilter) -> str:
        query = filters.data.urlencode()
        return reverse("providers:changes") + (f"?{query}" if query else "")

    def title(self, filters: ChangeFilter) -> str:
        active = filters.active_filters()
        title = f"{TITLE} ({'; '.join(item.text for item in active)})" if active else TITLE
        return self.title_text(title)

    def items(self, filters: ChangeFilter) -> list[ChangeEvent]:
        return list(filters.qs[:FEED_SIZE])

    def item_title(self, item: ChangeEvent) -> str:
        pct = item.pct_text
        return self.title_text(f"{item.summary} ({pct})" if pct else item.summary)

    def title_text(self, text: str) -> str:
        # RSS readers render titles as HTML (why Django escapes item titles by default); Atom titles are text.
        return escape(xml_text(text)) if self.titles_are_html else xml_text(text)

    def item_description(self, item: ChangeEvent) -> str:
        # An RSS description and an Atom summary (type="html") are HTML: the names in them are escaped.
        parts = [item.summary + "."]
        if item.kind == ChangeEvent.Kind.BULK_ADDED:
            parts.append(f"Each of them: {reverse('providers:changes')}?run={item.sync_run_id}")
        elif item.move_text:
            parts.append(f"{item.field or 'price'}: {item.move_text}.")
        elif item.old_value or item.new_value:
            parts.append(f"{item.field or 'value'}: {item.old_value or '-'} → {item.new_value or '-'}.")
        if item.offering is not None:
            parts.append(f"Route: {item.offering.provider.name} ({item.offering.provider_model_id}).")
        return escape(xml_text(" ".join(parts)))

    def item_link(self, item: ChangeEvent) -> str:
        if item.kind == ChangeEvent.Kind.BULK_ADDED:
            return f"{reverse('providers:changes')}?run={item.sync_run_id}"
        if item.model is not None:
            return item.model.get_absolute_url()
        return f"{reverse('providers:changes')}#change-{item.pk}"

    def item_guid(self, item: ChangeEvent) -> str:
        # Several changes share one model page, so the link cannot identify an item.
        return f"urn:llm-catalog:change-event:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ChangeEvent) -> dt.datetime:
        return item.occurred_at

    def item_updateddate(self, item: ChangeEvent) -> dt.datetime:
        return item.occurred_at

    def item_categories(self, item: ChangeEvent) -> list[str]:
        return [item.get_kind_display()]


class ChangesAtomFeed(ChangesRssFeed):
    feed_type = Atom1Feed
    subtitle = ChangesRssFeed.description
    titles_are_html = False


def xml_text(text: str) -> str:
    """`text` without the control characters XML 1.0 cannot carry (the feed would fail to render at all)."""
    return _XML_INVALID_RE.sub("", text)
