"""Re-render, right after a change commits, the pages and API answers it made stale (providers/invalidation.py
enqueues it), so that the first visitor after a sync gets a warm page: the shared lists first (home, the first
page of the browser, the providers and labs indexes), then each changed model's page and API detail.

Requests go through the whole site (middleware, page cache) as an anonymous visitor's would, to
PAGE_CACHE_REWARM_URL (the address visitors use: cached entries are kept per scheme and host)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.test import Client
from django.urls import reverse

from catalog.models import LanguageModel

logger = logging.getLogger(__name__)

SHARED_PAGES = ("catalog:home", "catalog:model-list", "providers:provider-list", "catalog:lab-list")


def rewarm_urls(model_ids: list[int]) -> list[str]:
    """The shared lists first, then each model's page and API answer (at most PAGE_CACHE_REWARM_MODELS models)."""
    urls = [reverse(name) for name in SHARED_PAGES]
    slugs = LanguageModel.objects.filter(pk__any_of=sorted(model_ids)[: settings.PAGE_CACHE_REWARM_MODELS])
    for slug in slugs.order_by("slug").values_list("slug", flat=True):
        lab, _, model = slug.partition("/")
        urls.append(reverse("catalog:model-detail", kwargs={"lab": lab, "model": model}))
        urls.append(reverse("api-model-detail", kwargs={"lab": lab, "model": model}))
    return urls


@shared_task(name="providers.rewarm", ignore_result=True)
def rewarm(model_ids: list[int]) -> int:
    """Render the pages a change to `model_ids` made stale; returns how many were rendered fresh."""
    base = urlsplit(settings.PAGE_CACHE_REWARM_URL)
    client = Client(HTTP_HOST=base.netloc, HTTP_ACCEPT_ENCODING="gzip", secure=base.scheme == "https")
    rendered = 0
    for url in rewarm_urls(model_ids):
        try:
            response = client.get(url)
        except Exception:  # a page that fails to render fails for visitors too; the others are still worth it
            logger.exception("rewarm of %s failed", url)
            continue
        rendered += response.get("X-Page-Cache") == "miss"
    return rendered
