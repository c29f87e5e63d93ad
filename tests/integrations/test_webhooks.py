"""Price-change webhooks: matched, signed per Standard Webhooks, delivered to a real receiver on 127.0.0.1, retried
on 5xx/429/timeouts (honouring Retry-After), never sent twice for one event, turned off after repeated failures; the
subscriptions' API and admin; and, when CELERY_BROKER_URL is set, the whole path through a real worker."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks.webhooks import Webhook

from integrations import webhooks
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.outbound import RefusedURLError, check_url
from providers.models import ChangeEvent, Offering
from tests.integrations.receiver import Receiver


@pytest.fixture
def eager(monkeypatch, settings):
    """Tasks run in the process (whatever CELERY_BROKER_URL says), and receivers on 127.0.0.1 may be reached."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0


@pytest.fixture
def bob(db):
    return get_user_model().objects.create_user("bob", email="bob@example.com")


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def subscribe(owner, url, **fields) -> WebhookSubscription:
    return WebhookSubscription.objects.create(owner=owner, url=url, **fields)


def price_event(offering: Offering, old: str, new: str) -> ChangeEvent:
    return ChangeEvent.make(
        ChangeEvent.Kind.PRICE_CHANGED,
        f"{offering}: input {old} -> {new}",
        field="input",
        old_usd=Decimal(old),
        new_usd=Decimal(new),
        occurred_at=timezone.now(),
        model=offering.model,
        offering=offering,
    )


def verified(subscription: WebhookSubscription, request) -> dict:
    """The message, once its signature is verified as a receiver would (standardwebhooks raises if it is wrong)."""
    return Webhook(subscription.secret).verify(request.body, request.headers)


def test_a_price_cut_is_signed_and_delivered(eager, catalog, bob, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(bob, receiver.url, kinds=["price_down"], model_slug="openai/gpt-4o-mini")
    offering = Offering.objects.get(provider__slug="openai", model__slug="openai/gpt-4o-mini")
    with django_capture_on_commit_callbacks(execute=True):
        event = price_event(offering, "0.15", "0.12")
        event.save()
    assert len(receiver.received) == 1
    request = receiver.received[0]
    message = verified(subscription, request)
    assert request.headers["webhook-id"] == f"evt_{event.pk}"
    assert message["type"] == "price.decreased"
    assert message["data"]["id"] == event.pk
    assert message["data"]["model"] == "openai/gpt-4o-mini"
    assert message["data"]["provider"] == "openai"
    assert message["data"]["change_pct"] == "-20.0"
    assert "move_pct" not in message["data"]
    assert message["timestamp"].endswith("Z")
    assert message["data"]["occurred_at"].endswith("Z")
    assert message["data"]["url"].startswith(("http://", "https://"))
    assert message["data"]["url"].endswith("/api/v1/changes/?model=openai/gpt-4o-mini")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 204)


def test_a_sync_that_changes_prices_notifies_through_its_bulk_insert(
    eager, load_fixture_catalog, curated_fixture_dir, tmp_path, bob, receiver, django_capture_on_commit_callbacks
):
    load_fixture_catalog()
    subscription = subscribe(bob, receiver.url, kinds=["price_up"], provider_slug="openai", min_move_pct=10)
    changed = tmp_path / "curated"
    shutil.copytree(curated_fixture_dir, changed)
    openai = changed / "models" / "openai.toml"
    # The first-party input price of GPT-4o mini goes up 20%; the batch price 1%, below the subscription's 10%.
    text = openai.read_text().replace('usd = "0.15", published = "1.5e-07 per token"', 'usd = "0.18"')
    openai.write_text(text.replace('usd = "0.075", service_tier = "batch"', 'usd = "0.07575", service_tier = "batch"'))
    with django_capture_on_commit_callbacks(execute=True):
        load_fixture_catalog(changed)
    assert [verified(subscription, r)["data"]["field"] for r in receiver.received] == ["input"]


def test_a_new_model_reaches_subscribers_of_its_lab(
    eager, load_fixture_catalog, bob, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(bob, receiver.url, kinds=["new_model"], lab_slug="anthropic")
    with django_capture_on_commit_callbacks(execute=True):
        load_fixture_catalog()
    messages = [verified(subscription, r) for r in receiver.received]
    assert [(m["type"], m["data"]["model"]) for m in messages] == [("model.added", "anthropic/claude-sonnet-4-5")]


def test_a_sources_first_load_is_one_bulk_message(
    eager, load_fixture_catalog, bob, receiver, settings, django_capture_on_commit_callbacks
):
    settings.CHANGE_GROUP_MIN = 2
    everything = subscribe(bob, receiver.url, kinds=["new_model"])
    of_a_lab = subscribe(bob, receiver.url, lab_slug="anthropic")
    of_a_model = subscribe(bob, receiver.url, model_slug="anthropic/claude-sonnet-4-5")
    with django_capture_on_commit_callbacks(execute=True):
        load_fixture_catalog()
    deliveries = WebhookDelivery.objects.order_by("subscription_id")
    assert [(d.subscription_id, d.event_type) for d in deliveries] == [
        (everything.pk, "models.added_in_bulk"),
        (of_a_lab.pk, "models.added_in_bulk"),
    ]
    assert of_a_model.deliveries.count() == 0
    data = deliveries[0].payload["data"]
    assert data["kind"] == "bulk_added"
    assert "?run=" in data["url"]
    assert data["url"].startswith(("http://", "https://"))


def test_a_route_retirement_is_a_route_message_and_no_username_leaves(catalog, bob):
    from providers.api.serializers import ChangeEventSerializer

    offering = Offering.objects.get(provider__slug="openai", model__slug="openai/gpt-4o-mini")
    route_event = ChangeEvent.make(
        ChangeEvent.Kind.OFFERING_CHANGED,
        f"{offering}: retired",
        field="status",
        old_value="active",
        new_value="retired",
        occurred_at=timezone.now(),
        model=offering.model,
        offering=offering,
        actor="alice.curator",
    )
    route_event.save()
    kind = webhooks.kind_of(route_event)
    assert kind == "retirement"
    message = webhooks.payload(route_event, kind)
    assert message["type"] == "route.retiring"
    assert message["data"]["actor"] == "curator"
    assert "alice" not in json.dumps(message)
    assert set(message["data"]) == set(ChangeEventSerializer(route_event).data) | {"url"}
    model_event = ChangeEvent.make(
        ChangeEvent.Kind.MODEL_CHANGED,
        "retired",
        field="status",
        new_value="deprecated",
        occurred_at=timezone.now(),
        model=offering.model,
    )
    model_event.save()
    assert webhooks.payload(model_event, webhooks.kind_of(model_event))["type"] == "model.retiring"
    assert webhooks.payload(model_event, "retirement")["data"]["actor"] is None


def test_filters_and_the_minimum_move(catalog, bob):
    offering = Offering.objects.get(provider__slug="openai", model__slug="openai/gpt-4o-mini")
    up = price_event(offering, "0.15", "0.16")  # +6.67%
    cases = [
        ({}, True),
        ({"kinds": ["price_down"]}, False),
        ({"kinds": ["price_up"], "min_move_pct": Decimal(5)}, True),
        ({"min_move_pct": Decimal(10)}, False),
        ({"lab_slug": "anthropic"}, False),
        ({"lab_slug": "openai", "provider_slug": "openai"}, True),
        ({"provider_slug": "azure-openai"}, False),
        ({"model_slug": "openai/gpt-3.5-turbo"}, False),
    ]
    for fields, expected in cases:
        assert webhooks.matches(WebhookSubscription(owner=bob, **fields), up, webhooks.kind_of(up)) is expected, fields
    from_zero = price_event(offering, "0", "0.10")
    assert webhooks.matches(WebhookSubscription(owner=bob, min_move_pct=Decimal(50)), from_zero, "price_up")


def test_it_retries_5xx_and_429_honouring_retry_after(eager, catalog, bob, django_capture_on_commit_callbacks):
    script = [(503, {}), (429, {"Retry-After": "0"}), (200, {})]
    with Receiver(script=script) as receiver:
        subscription = subscribe(bob, receiver.url)
        offering = Offering.objects.get(provider__slug="openai", model__slug="openai/gpt-4o-mini")
        with django_capture_on_commit_callbacks(execute=True):
            event = price_event(offering, "0.15", "0.30")
            event.save()
    assert len(receiver.received) == 3
    assert {r.headers["webhook-id"] for r in receiver.received} == {f"evt_{event.pk}"}  # one id: the receiver dedupes
    for request in receiver.received:
        verified(subscription, request)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("succeeded", 3)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_retry_after_sets_the_next_attempt(catalog, bob, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with Receiver(script=[(429, {"Retry-After": "120"})]) as receiver:
        subscription = subscribe(bob, receiver.url)
        delivery = WebhookDelivery.objects.create(
            subscription=subscription, message_id="evt_1", event_type="price.increased", payload={"type": "x"}
        )
        assert webhooks.attempt(delivery.pk) == 120
    delivery.refresh_from_db()
    assert delivery.status == "retrying"
    assert 110 < (delivery.next_attempt_at - timezone.now()).total_seconds() <= 120


def test_backoff_doubles_and_gives_up_within_a_day(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    waits = [webhooks.backoff_seconds(n) for n in range(1, 13)]
    assert 27 <= waits[0] <= 33
    assert 54 <= waits[1] <= 66
    assert max(waits) <= 6 * 3600
    assert sum(waits[: settings.WEBHOOK_MAX_ATTEMPTS - 1]) < 1.1 * 86400


def test_nothing_is_sent_twice_for_one_event(eager, catalog, bob, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(bob, receiver.url)
    offering = Offering.objects.get(provider__slug="openai", model__slug="openai/gpt-4o-mini")
    with django_capture_on_commit_callbacks(execute=True):
        event = price_event(offering, "0.15", "0.20")
        event.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.fan_out([event.pk]) == []  # a repeated fan-out records nothing
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert webhooks.attempt(delivery.pk) is None  # a delivered message is never sent again
    assert len(receiver.received) == 1


def test_a_failing_receiver_is_turned_off_and_its_owner_told(
    eager, catalog, bob, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    with Receiver(default=(410, {})) as receiver:
        subscription = subscribe(bob, receiver.url)
        offering = Offering.objects.get(provider__slug="openai", model__slug="openai/gpt-4o-mini")
        for new in ("0.20", "0.25", "0.30"):
            with django_capture_on_commit_callbacks(execute=True):
                price_event(offering, "0.15", new).save()
    assert len(receiver.received) == 2  # a 410 is not retried; the third event finds the subscription off
    subscription.refresh_from_db()
    assert not subscription.active
    assert "2 failed attempts in a row" in subscription.disabled_reason
    assert [m.to for m in mailoutbox] == [["bob@example.com"]]
    assert list(WebhookDelivery.objects.values_list("status", flat=True)) == ["failed", "failed"]


def test_private_and_loopback_addresses_are_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    for url in (
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.0.0.8/",
        "http://[::1]/",
        "ftp://x.org/",
    ):
        with pytest.raises(RefusedURLError):
            check_url(url)


def test_only_globally_reachable_addresses_pass_wrapped_ones_included():
    from integrations.outbound import _is_public

    for address in (
        "100.64.1.1",  # shared address space (carrier-grade NAT)
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a00:8::",  # 6to4 of 10.0.0.8
        "::ffff:127.0.0.1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "fe80::1",
        "224.0.0.1",
        "0.0.0.0",  # noqa: S104 - an address checked, not bound
    ):
        assert not _is_public(address), address
    for address in ("8.8.8.8", "64:ff9b::808:808", "2002:808:808::", "2606:4700::1111"):
        assert _is_public(address), address


def test_the_connection_goes_to_the_address_that_was_checked(catalog, bob, receiver, settings, monkeypatch):
    """DNS rebinding: the name answers 127.0.0.1 (let through here) to the check, then 192.0.2.1 to anyone asking
    again. The POST still reaches the receiver on 127.0.0.1, with the name as its Host."""
    import socket

    from integrations import outbound

    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    monkeypatch.setattr(outbound, "_is_public", lambda address: True)
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host, port, *args, **kwargs):
        if host != "hooks.invalid":
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "192.0.2.1"), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = receiver.url.split(":")[2].split("/")[0]
    subscription = subscribe(bob, f"http://hooks.invalid:{port}/hook")
    outcome = webhooks.post(subscription, webhooks.send_test_event(subscription))
    assert outcome.ok, outcome
    assert receiver.received[0].headers["host"] == f"hooks.invalid:{port}"


def test_a_delivery_is_claimed_by_one_worker_only(catalog, bob):
    delivery = webhooks.send_test_event(subscribe(bob, "http://127.0.0.1:9/hook"))
    assert webhooks.claim(delivery.pk) is True
    assert webhooks.claim(delivery.pk) is False
    assert webhooks.attempt(delivery.pk) is None  # another worker has it: nothing is sent
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sending", 0)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(updated_at=timezone.now() - webhooks.OVERDUE)
    assert delivery.pk in webhooks.overdue()  # its worker died: the sweep takes it up again
    assert webhooks.claim(delivery.pk) is True


def test_a_receiver_that_drips_its_answer_is_cut_off_at_the_deadline(catalog, bob, settings):
    import socket
    import threading

    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stop.is_set():  # one header byte every 0.3 s: each read is quick, the answer never ends
            try:
                conn.sendall(b"X")
            except OSError:
                break
            time.sleep(0.3)
        conn.close()

    threading.Thread(target=drip, daemon=True).start()
    subscription = subscribe(bob, f"http://127.0.0.1:{server.getsockname()[1]}/hook")
    delivery = webhooks.send_test_event(subscription)
    started = time.monotonic()
    try:
        outcome = webhooks.post(subscription, delivery)
    finally:
        stop.set()
        server.close()
    assert time.monotonic() - started < 4
    assert outcome.retryable
    assert "timed out" in outcome.error


def test_a_redirect_to_another_host_is_not_followed(eager, catalog, bob, django_capture_on_commit_callbacks):
    with Receiver() as elsewhere, Receiver(default=(307, {})) as receiver:
        receiver.default = (307, {"Location": elsewhere.url.replace("127.0.0.1", "localhost")})
        subscribe(bob, receiver.url)
        offering = Offering.objects.get(provider__slug="openai", model__slug="openai/gpt-4o-mini")
        with django_capture_on_commit_callbacks(execute=True):
            price_event(offering, "0.15", "0.20").save()
    assert elsewhere.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert "another host" in delivery.last_error


# --- the API and the admin ------------------------------------------------------------------------------------------


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_signed_in_users_manage_their_own_subscriptions(
    eager, catalog, bob, receiver, django_capture_on_commit_callbacks
):
    alice = get_user_model().objects.create_user("alice")
    api = client_for(bob)
    created = api.post(
        "/api/v1/webhooks/",
        {"url": receiver.url, "kinds": ["price_down", "price_up"], "model": "openai/gpt-4o-mini", "min_move_pct": "5"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["owner"] == "bob"
    assert body["kinds"] == ["price_down", "price_up"]
    pk = body["id"]
    assert client_for(alice).get(f"/api/v1/webhooks/{pk}/").status_code == 404
    assert client_for(alice).get("/api/v1/webhooks/").json()["results"] == []
    assert "secret" not in api.get(f"/api/v1/webhooks/{pk}/").json()
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/api/v1/webhooks/{pk}/test/")
    assert sent.status_code == 202
    assert sent.json()["event_type"] == "webhook.test"
    message = verified(WebhookSubscription.objects.get(pk=pk), receiver.received[0])
    assert message["type"] == "webhook.test"
    log = api.get(f"/api/v1/webhooks/{pk}/deliveries/").json()["results"]
    assert [(d["event_type"], d["attempts"]) for d in log] == [("webhook.test", 1)]
    assert api.patch(f"/api/v1/webhooks/{pk}/", {"active": False}, format="json").json()["active"] is False
    assert api.delete(f"/api/v1/webhooks/{pk}/").status_code == 204


def test_who_sees_and_changes_whose_subscriptions(catalog, bob, settings):
    """Anonymous: nothing. The owner: their own, the secret only on create (and rotate). Another user: 404. Staff
    without permissions: like another user. With view_: reads, no secret, no writes. Superuser: reads and writes,
    never the secret."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    from django.contrib.auth.models import Permission

    users = get_user_model().objects
    owner = client_for(bob)
    created = owner.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/hook"}, format="json").json()
    pk, secret = created["id"], created["secret"]
    detail = f"/api/v1/webhooks/{pk}/"

    anonymous = APIClient()
    assert anonymous.get("/api/v1/webhooks/").status_code in (401, 403)
    assert anonymous.get(detail).status_code in (401, 403)
    assert anonymous.delete(detail).status_code in (401, 403)

    assert [s["id"] for s in owner.get("/api/v1/webhooks/").json()["results"]] == [pk]
    assert "secret" not in owner.get(detail).json()
    assert "secret" not in owner.get("/api/v1/webhooks/").json()["results"][0]
    assert "secret" not in owner.patch(detail, {"description": "mine"}, format="json").json()

    for other in (users.create_user("alice"), users.create_user("staffer", is_staff=True)):
        api = client_for(other)
        assert api.get("/api/v1/webhooks/").json()["results"] == []
        assert api.get(detail).status_code == 404
        assert api.patch(detail, {"url": "http://127.0.0.1:9/stolen"}, format="json").status_code == 404
        assert api.delete(detail).status_code == 404
        assert api.post(f"{detail}test/").status_code == 404
        assert api.post(f"{detail}rotate-secret/").status_code == 404
        assert api.get(f"{detail}deliveries/").status_code == 404

    viewer = users.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_webhooksubscription"))
    api = client_for(users.get(pk=viewer.pk))
    seen = api.get(detail)
    assert seen.status_code == 200
    assert "secret" not in seen.json()
    assert api.patch(detail, {"url": "http://127.0.0.1:9/stolen"}, format="json").status_code == 403
    assert api.delete(detail).status_code == 403
    assert api.post(f"{detail}test/").status_code == 403
    assert api.post(f"{detail}rotate-secret/").status_code == 403

    root = client_for(users.create_superuser("root", "root@example.com", "x"))
    assert [s["id"] for s in root.get("/api/v1/webhooks/").json()["results"]] == [pk]
    changed = root.patch(detail, {"description": "checked"}, format="json")
    assert changed.status_code == 200
    assert "secret" not in changed.json()
    assert root.post(f"{detail}rotate-secret/").status_code == 403
    assert WebhookSubscription.objects.get(pk=pk).secret == secret

    rotated = owner.post(f"{detail}rotate-secret/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != secret
    assert WebhookSubscription.objects.get(pk=pk).secret == rotated.json()["secret"]
    assert root.delete(detail).status_code == 204


def test_the_api_refuses_bad_subscriptions(catalog, bob, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    api = client_for(bob)
    refused = api.post("/api/v1/webhooks/", {"url": "http://127.0.0.1/hook"}, format="json")
    assert refused.status_code == 400
    assert "url" in refused.json()["errors"]
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    unknown = api.post("/api/v1/webhooks/", {"url": "http://127.0.0.1/", "lab": "nope"}, format="json")
    assert unknown.status_code == 400
    assert APIClient().get("/api/v1/webhooks/").status_code in (401, 403)


def test_the_admin_sends_a_test_event(eager, admin_client, bob, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(bob, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/integrations/webhooksubscription/",
            {"action": "send_test_event", "_selected_action": [subscription.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert verified(subscription, receiver.received[0])["type"] == "webhook.test"
    log = admin_client.get(f"/admin/integrations/webhookdelivery/?subscription__id__exact={subscription.pk}")
    assert log.status_code == 200
    assert b"webhook.test" in log.content


# --- through a real worker over the broker -------------------------------------------------------------------------


@pytest.mark.worker
def test_a_real_worker_delivers_signed_retries_and_never_twice(transactional_db, settings, monkeypatch):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("CELERY_BROKER_URL is not set: no broker to send the tasks through")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    queue = f"test-{uuid.uuid4().hex}"
    monkeypatch.setitem(app.conf, "task_default_queue", queue)  # the fan-out's deliveries follow the default
    owner = get_user_model().objects.create_user("carol")
    from tests.conftest import FIXTURES

    settings.CURATED_DATA_DIR = FIXTURES / "curated"
    with (
        Receiver(script=[(500, {}), (429, {"Retry-After": "1"})]) as receiver,
        start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=[queue], shutdown_timeout=10
        ),
    ):
        subscription = subscribe(owner, receiver.url, kinds=["new_model"], lab_slug="openai")
        from providers.sync.run import run_sync

        assert run_sync("curated").status == "succeeded"  # commits: its new models are fanned out by the worker
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if WebhookDelivery.objects.filter(status="succeeded").count() == 2:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"not delivered within 60 s: {list(WebhookDelivery.objects.values('status', 'attempts'))}")
        ids = [event.pk for event in ChangeEvent.objects.filter(kind="model_added")]
        app.tasks["integrations.fan_out_events"].apply_async((ids,), queue=queue)  # a repeat: must send nothing
        time.sleep(2)
    messages = [verified(subscription, r) for r in receiver.received]  # every attempt signed
    delivered = [r for r in receiver.received if 200 <= r.status < 300]
    assert sorted(json.loads(r.body)["data"]["model"] for r in delivered) == [
        "openai/gpt-3.5-turbo",
        "openai/gpt-4o-mini",
    ]
    assert len({r.headers["webhook-id"] for r in delivered}) == 2  # one 2xx per event id, even after the repeat
    assert len(receiver.received) == 4  # a 500 and a 429 were retried
    assert sum(WebhookDelivery.objects.values_list("attempts", flat=True)) == 4
    assert {m["type"] for m in messages} == {"model.added"}


def test_the_sweep_finds_deliveries_whose_retry_is_long_overdue(db, bob):
    subscription = subscribe(bob, "https://hooks.example.com/x")
    long_ago = timezone.now() - dt.timedelta(minutes=30)

    def delivery(message: str, status: str, at) -> WebhookDelivery:
        return WebhookDelivery.objects.create(
            subscription=subscription, message_id=message, event_type="x", payload={}, status=status, next_attempt_at=at
        )

    lost = delivery("evt_1", "retrying", long_ago)
    never_sent = delivery("evt_2", "pending", long_ago)
    delivery("evt_3", "retrying", timezone.now())  # its countdown is still running
    delivery("evt_4", "succeeded", None)
    assert sorted(webhooks.overdue()) == sorted([lost.pk, never_sent.pk])


def test_the_delivery_log_is_deleted_only_by_a_superuser(rf, db):
    from django.contrib import admin as django_admin

    from integrations.admin import WebhookDeliveryAdmin, WebhookSubscriptionAdmin

    log = WebhookDeliveryAdmin(WebhookDelivery, django_admin.site)
    request = rf.get("/admin/")
    request.user = get_user_model().objects.create_user("staffer", is_staff=True)
    assert log.has_delete_permission(request) is False
    request.user = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    assert log.has_delete_permission(request) is True
    assert WebhookSubscriptionAdmin.list_select_related == ("owner",)
