"""The admin's operations page: is every source syncing, how stale are the prices, how long are the queues."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from providers.models import Offering, Price, SyncRun, UnmatchedId
from providers.roles import EDITOR_GROUP
from providers.selectors import price_freshness
from providers.sync.health import sync_health
from tests.factories import build_catalog

User = get_user_model()
URL = "/admin/operations/"


@pytest.fixture
def editor(db):
    user = User.objects.create_user("ed", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    return user


def finished_run(source: str, status: str, *, hours_ago: float, **fields) -> SyncRun:
    run = SyncRun.objects.create(source=source, status=status, **fields)
    finished = timezone.now() - dt.timedelta(hours=hours_ago)
    SyncRun.objects.filter(pk=run.pk).update(started_at=finished - dt.timedelta(seconds=5), finished_at=finished)
    run.refresh_from_db()
    return run


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/operations/")


def test_it_refuses_a_signed_in_user_who_is_not_staff(client, db):
    client.force_login(User.objects.create_user("visitor", password="x"))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_editor_sees_it_linked_from_the_admin_index(client, editor):
    client.force_login(editor)
    assert 'href="/admin/operations/"' in client.get("/admin/").content.decode()
    assert client.get(URL).status_code == 200


def test_it_shows_each_sources_last_success_and_a_failure_only_when_newer(client, editor):
    finished_run("curated", "failed", hours_ago=40, error="ValueError: older, already recovered")
    finished_run("curated", "succeeded", hours_ago=30, created=7, updated=2, unchanged=40, rejected=1)
    finished_run("openrouter", "succeeded", hours_ago=20)
    failure = finished_run("openrouter", "failed", hours_ago=1, error="SourceFetchError: 503 from openrouter")
    finished_run("openrouter", "succeeded", hours_ago=0.5, dry_run=True)  # a dry run wrote nothing
    finished_run("vercel", "succeeded", hours_ago=2)
    client.force_login(editor)

    response = client.get(URL)

    rows = {row.source: row for row in response.context["sources"]}
    assert rows["curated"].last_success.created == 7
    assert rows["curated"].failed_since is None
    assert rows["openrouter"].failed_since == failure
    assert rows["openrouter"].age > dt.timedelta(hours=19)
    # Live sources are synced every SYNC_EVERY_HOURS (6): 20 hours is overdue, 2 hours is not, never is.
    assert (rows["openrouter"].overdue, rows["vercel"].overdue, rows["litellm"].overdue) == (True, False, True)
    assert rows["curated"].overdue is False  # the curated files are synced by hand
    html = response.content.decode()
    assert "SourceFetchError: 503 from openrouter" in html
    assert "older, already recovered" not in html
    assert "7 created, 2 updated, 40 unchanged, 1 rejected" in html
    assert "1\xa0day, 6\xa0hours" in html  # curated's age (timesince keeps each figure with its unit)


def test_it_shows_the_stalest_open_price_and_the_stale_count_per_provider(client, editor, settings):
    build_catalog(2, routes=2)  # every price verified on 2026-08-01
    settings.PRICE_STALE_DAYS = 60
    today = dt.date(2026, 9, 1)
    old_route = Offering.objects.get(provider__slug="prov-1", model__slug="lab/model-0")
    Price.objects.filter(offering=old_route, component="input", service_tier="standard", tier_min_tokens=0).update(
        verified_on=dt.date(2026, 6, 1)
    )
    # A closed price and a retired route's price are history, not what the provider charges now.
    closed = Price.objects.filter(offering__provider__slug="prov-0", offering__model__slug="lab/model-0").first()
    Price.objects.filter(pk=closed.pk).update(effective_to=timezone.now(), verified_on=dt.date(2020, 1, 1))
    retired = Offering.objects.get(provider__slug="prov-0", model__slug="lab/model-1")
    Offering.objects.filter(pk=retired.pk).update(status=Offering.Status.RETIRED)
    retired.prices.update(verified_on=dt.date(2019, 1, 1))

    providers = price_freshness(today=today)

    assert [p.slug for p in providers] == ["prov-1", "prov-0"]  # stalest first
    stalest, other = providers
    assert (stalest.oldest_verified_on, stalest.oldest_age_days, stalest.stale_prices) == (dt.date(2026, 6, 1), 92, 1)
    assert (stalest.open_prices, other.open_prices) == (10, 4)
    assert (other.oldest_verified_on, other.stale_prices) == (dt.date(2026, 8, 1), 0)
    client.force_login(editor)
    html = client.get(URL).content.decode()
    assert "2026-06-01" in html
    assert "stale: verified more than 60 days ago" in html


def test_it_counts_the_queues_and_links_to_them(client, editor):
    now = timezone.now()
    UnmatchedId.objects.create(source="openrouter", external_id="new/model", first_seen_at=now, last_seen_at=now)
    client.force_login(editor)
    html = client.get(URL).content.decode()
    link = '<a href="/admin/providers/unmatchedid/?status__exact=open">Unmatched ids to map</a>'
    assert f"{link}</th><td><strong>1</strong>" in html
    assert "/admin/providers/heldchange/?status__exact=pending" in html
    assert "/admin/providers/disagreement/?status__exact=open" in html


def test_the_selectors_know_every_source_even_one_never_run(db):
    from providers.sync.sources import REGISTRY

    rows = sync_health()
    assert [row.source for row in rows] == list(REGISTRY)
    assert all(row.last_success is None and row.failed_since is None for row in rows)


def test_its_query_count_does_not_grow_with_providers_or_sources(client, editor):
    client.force_login(editor)

    def count_for(providers: int) -> int:
        build_catalog(2, routes=providers)
        for i, source in enumerate(["curated", "openrouter", "vercel", "modelsdev", "litellm"][: providers // 4 + 1]):
            finished_run(source, "succeeded", hours_ago=i + 1)
            finished_run(source, "failed", hours_ago=0.5, error="boom")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
        assert response.status_code == 200
        assert len(response.context["providers"]) == providers
        return len(ctx.captured_queries)

    small, large = count_for(2), count_for(20)
    # session, user, the editor's group and own permissions (the admin's app list), the latest runs, providers
    # with their price freshness, and the 4 queue counts.
    assert small == large == 10
