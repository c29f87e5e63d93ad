"""A change invalidates what it touches and nothing else: one price of model A changed through the admin, the API or
a sync makes A's page and API answers, its lab's and providers' pages and every list cold; model B's page and API
answer, B's lab and B's provider stay served from the cache. Then the rewarm renders them again before anyone asks."""

import shutil

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.authtoken.models import Token

from config.celery import app as celery_app
from providers.models import Offering
from providers.roles import EDITOR_GROUP, ensure_editor_group
from providers.sync.run import run_sync
from tests.providers.test_admin import form_data

A = "/models/openai/gpt-4o-mini/"
A_API = "/api/v1/models/openai/gpt-4o-mini/"
B = "/models/anthropic/claude-sonnet-4-5/"
B_API = "/api/v1/models/anthropic/claude-sonnet-4-5/"
TOUCHED = [
    A,
    A_API,
    "/labs/openai/",
    "/providers/azure-openai/",
    "/",
    "/models/",
    "/compare/?models=openai/gpt-4o-mini,anthropic/claude-sonnet-4-5",
]
UNTOUCHED = [B, B_API, "/labs/anthropic/", "/providers/anthropic/", "/api/v1/labs/anthropic/"]


@pytest.fixture
def visitor(page_cache, load_fixture_catalog):
    load_fixture_catalog()
    reader = Client()
    for url in TOUCHED + UNTOUCHED:
        assert reader.get(url).status_code == 200, url
        assert reader.get(url)["X-Page-Cache"] == "hit", url
    return reader


def azure() -> Offering:
    return Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")


def change_through_the_admin(settings, tmp_path) -> None:
    user = get_user_model().objects.create_superuser("ana", password="x")
    admin = Client()
    admin.force_login(user)
    url = f"/admin/providers/offering/{azure().pk}/change/"
    data = form_data(admin.get(url))
    inputs = [key for key, value in data.items() if key.endswith("-component") and value == "input"]
    data[inputs[0].replace("-component", "-usd")] = "0.16"
    data[inputs[0].replace("-component", "-source_name")] = "Azure's pricing page, read by a curator"
    assert admin.post(url, data).status_code == 302


def change_through_the_api(settings, tmp_path) -> None:
    user = get_user_model().objects.create_user("ana", password="x", is_staff=True)
    ensure_editor_group()
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    staff = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    body = {"component": "input", "unit": "per_1m_tokens", "usd": "0.16"}
    response = staff.post(f"/api/v1/offerings/{azure().pk}/prices/", body, content_type="application/json")
    assert response.status_code == 201, response.content


def change_through_a_sync(settings, tmp_path) -> None:
    target = tmp_path / "curated"
    shutil.copytree(settings.CURATED_DATA_DIR, target)
    path = target / "models" / "openai.toml"
    text = path.read_text()
    azure_input = text.index('provider = "azure-openai"')
    at = text.index('usd = "0.165"', azure_input)
    path.write_text(text[:at] + 'usd = "0.16"' + text[at + len('usd = "0.165"') :])
    settings.CURATED_DATA_DIR = target
    run = run_sync("curated")
    assert run.updated, run.error


@pytest.mark.parametrize("change", [change_through_the_admin, change_through_the_api, change_through_a_sync])
def test_one_price_of_a_makes_only_what_shows_a_cold(
    visitor, change, settings, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change(settings, tmp_path)
    assert {url: visitor.get(url)["X-Page-Cache"] for url in UNTOUCHED} == dict.fromkeys(UNTOUCHED, "hit")
    assert {url: visitor.get(url)["X-Page-Cache"] for url in TOUCHED} == dict.fromkeys(TOUCHED, "miss")
    assert "$0.16" in visitor.get(A).content.decode()


def test_a_change_without_a_model_makes_everything_cold(visitor, django_capture_on_commit_callbacks):
    from catalog.models import Lab

    with django_capture_on_commit_callbacks(execute=True):
        lab = Lab.objects.get(slug="anthropic")
        lab.name = "Anthropic PBC"
        lab.save()
    assert visitor.get(B)["X-Page-Cache"] == "miss"
    assert visitor.get(A)["X-Page-Cache"] == "miss"


def test_the_rewarm_renders_the_changed_models_and_the_shared_lists_before_anyone_asks(
    visitor, settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    settings.PAGE_CACHE_REWARM = True
    settings.PAGE_CACHE_REWARM_URL = "http://testserver"  # the test client's host
    # The task runs in this process (as without a broker), so that it renders into this test's cache.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    change_through_a_sync(settings, tmp_path)
    for url in [A, A_API, "/", "/models/", "/providers/", "/labs/"]:
        response = visitor.get(url)
        assert response["X-Page-Cache"] == "hit", url
    assert "$0.16" in visitor.get(A).content.decode()


def test_the_rewarm_task_takes_model_ids_and_says_how_many_pages_it_rendered(
    page_cache, load_fixture_catalog, settings
):
    from catalog.models import LanguageModel
    from providers.rewarm import rewarm

    load_fixture_catalog()
    settings.PAGE_CACHE_REWARM_URL = "http://testserver"
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini").pk
    # apply(): run here, whatever the broker, so that it renders into this test's cache
    assert rewarm.apply(args=([mini],)).get() == 6  # home, /models/, /providers/, /labs/, the page, the API answer
    assert rewarm.apply(args=([mini],)).get() == 0  # all still warm
    assert Client().get(A)["X-Page-Cache"] == "hit"


def test_what_a_rolled_back_transaction_changed_is_not_invalidated_by_the_next_one(
    visitor, settings, tmp_path, django_capture_on_commit_callbacks
):
    from providers import invalidation

    # A transaction that made everything stale and rolled back: its callbacks never ran, its changes stayed behind.
    invalidation._pending.everything, invalidation._pending.owner = True, object()
    test_one_price_of_a_makes_only_what_shows_a_cold(
        visitor, change_through_the_api, settings, tmp_path, django_capture_on_commit_callbacks
    )
