"""What the API tests share: a DRF client, the fixture catalog written by the real sync, and a curator (staff) with
her token, as request headers or as a signed-in client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from providers.models import Price, SyncRun

LAUNCH = dt.datetime(2024, 7, 18, tzinfo=dt.UTC)  # GPT-4o mini's launch


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def catalog(load_fixture_catalog) -> SyncRun:
    """The 3-model fixture catalog (tests/fixtures/curated), written by the real sync."""
    return load_fixture_catalog()


@pytest.fixture
def catalog_since_launch(catalog) -> SyncRun:
    """The same, with every price dated from GPT-4o mini's launch (a sync dates them 'now')."""
    Price.objects.update(effective_from=LAUNCH)
    return catalog


@pytest.fixture
def ana(db):
    """A curator: a staff user in the Editor group (the rights to curate, as in the admin)."""
    return editor("ana")


def token_headers(user) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


@pytest.fixture
def staff_token(ana) -> dict[str, str]:
    """Headers carrying the curator's API token."""
    return token_headers(ana)


@pytest.fixture
def staff(ana) -> APIClient:
    """A client signed in with the curator's API token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_headers(ana)["Authorization"])
    return client


def editor(username: str = "edith"):
    """A staff member in the Editor group (providers/roles.py): the rights to curate, the same as in the admin."""
    from django.contrib.auth.models import Group

    from providers.roles import EDITOR_GROUP, ensure_editor_group

    ensure_editor_group()
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    return user


@pytest.fixture
def editor_user(db):
    return editor()


@pytest.fixture
def editor_token(editor_user) -> dict[str, str]:
    """Headers carrying an Editor's API token."""
    return token_headers(editor_user)
