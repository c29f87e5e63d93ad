"""The admin sign-in is rate-limited (django-axes): after ADMIN_LOGIN_FAILURE_LIMIT failures for one username
from one address, that pair gets 429 until the lockout has passed, even with the right password."""

from __future__ import annotations

import datetime as dt

import pytest

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "the-right-password-for-tests"


@pytest.fixture(autouse=True)
def _quick_hashes(settings):
    # Every attempt checks a password: the production hasher's deliberate slowness would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_superuser("curator", "curator@example.com", PASSWORD)


@pytest.fixture
def limit(settings) -> int:
    assert settings.AXES_FAILURE_LIMIT == 5  # the default of ADMIN_LOGIN_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


def sign_in(client, password: str, *, username: str = "curator", address: str = "203.0.113.7", **headers: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_it_locks_out_a_username_and_address_after_the_limit(client, curator, limit, settings):
    for _ in range(limit - 1):
        response = sign_in(client, "wrong")
        assert response.status_code == 200  # the form again, with its error
        assert "Please enter the correct username and password" in response.content.decode()
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert "Too many failed sign-ins" in locked.content.decode()
    # The right password does not get through a lockout.
    assert sign_in(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_locks_only_that_pair(client, curator, django_user_model, limit):
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    for _ in range(limit):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429
    # Another account from the same address, and the same account from another address, still sign in.
    assert sign_in(client, PASSWORD, username="editor").status_code == 302
    client.logout()
    assert sign_in(client, PASSWORD, address="198.51.100.9").status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, curator, limit):
    """No proxy is trusted by default: X-Forwarded-For is the client's own word, so it cannot buy new attempts."""
    for attempt in range(limit):
        sign_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    assert sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_behind_a_trusted_proxy_it_counts_the_address_the_proxy_saw(client, curator, settings, limit):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(limit):
        # The client wrote a first entry itself; the proxy appended the real address.
        sign_in(client, "wrong", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
    assert sign_in(client, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7").status_code == 429
    # Another client behind the same proxy is not locked out with it.
    assert sign_in(client, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302


def test_the_lockout_passes(client, curator, settings, limit):
    from axes.models import AccessAttempt

    for _ in range(limit):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429
    # As if the cool-off had elapsed (ADMIN_LOGIN_LOCKOUT_MINUTES, 15 by default).
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME)
    assert sign_in(client, PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, curator, limit):
    for _ in range(limit - 1):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(limit - 1):
        assert sign_in(client, "wrong").status_code == 200
