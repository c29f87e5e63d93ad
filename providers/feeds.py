"""RSS and Atom feeds of the change log."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from providers.models import ChangeEvent


class ChangesRssFeed(Feed):
    title = "LLM Catalog: price changes and new models"
    link = "/changes/"
    description = "Price changes, new models and retirements."

    def items(self) -> list[ChangeEvent]:
        return list(ChangeEvent.objects.order_by("-occurred_at")[:50])

    def item_title(self, item: ChangeEvent) -> str:
        return item.summary

    def item_link(self, item: ChangeEvent) -> str:
        return "/changes/"


class ChangesAtomFeed(ChangesRssFeed):
    feed_type = Atom1Feed
    subtitle = ChangesRssFeed.description
