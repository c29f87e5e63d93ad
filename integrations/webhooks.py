"""Price-change webhooks: which change events a subscription hears of, the message each gets, signing it per
Standard Webhooks, sending it, and retrying it.

Flow: a change event is committed -> `fan_out` (a Celery task, integrations.tasks) finds the subscriptions it
matches and records one WebhookDelivery per subscription (unique per message id, so an event is never queued
twice for one URL) -> `attempt` (a task per delivery) signs and POSTs it. A 2xx is delivered; a timeout, a
connection failure, a 5xx or a 429 is tried again with exponential backoff (honouring Retry-After) for up to
WEBHOOK_RETRY_FOR_SECONDS; anything else fails at once. A subscription whose deliveries fail
WEBHOOK_DISABLE_AFTER_FAILURES times in a row is turned off, and its owner told.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.outbound import RefusedURLError, check_url, client_for, deadline_seconds
from providers.models import ChangeEvent
from providers.selectors import RETIREMENT_STATUSES, grouped_changes

logger = logging.getLogger(__name__)

Kind = WebhookSubscription.Kind
# The message `type` of each kind (Standard Webhooks: a dotted name), and of the test message.
EVENT_TYPES: dict[str, str] = {
    Kind.PRICE_UP: "price.increased",
    Kind.PRICE_DOWN: "price.decreased",
    Kind.NEW_MODEL: "model.added",
    Kind.RETIREMENT: "model.retiring",
}
ROUTE_RETIRING_TYPE = "route.retiring"  # a route's status change (one provider dropping a model), not the model's
BULK_ADDED_TYPE = "models.added_in_bulk"  # a source's first load: one message, not one per model
TEST_EVENT_TYPE = "webhook.test"
MAX_BACKOFF_SECONDS = 6 * 3600
# The only name a message gives for a person's edit: curators' usernames are not sent to third parties.
CURATOR = "curator"
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def kind_of(event: ChangeEvent) -> str | None:
    """The subscription kind an event is, or None for events no subscription hears of (aliases, scores...)."""
    if event.kind == ChangeEvent.Kind.PRICE_CHANGED and event.old_usd is not None and event.new_usd is not None:
        if event.new_usd > event.old_usd:
            return Kind.PRICE_UP
        if event.new_usd < event.old_usd:
            return Kind.PRICE_DOWN
        return None
    if event.kind in (ChangeEvent.Kind.MODEL_ADDED, ChangeEvent.Kind.BULK_ADDED):
        return Kind.NEW_MODEL
    status_change = event.kind in (ChangeEvent.Kind.MODEL_CHANGED, ChangeEvent.Kind.OFFERING_CHANGED)
    if status_change and event.field == "status" and event.new_value in RETIREMENT_STATUSES:
        return Kind.RETIREMENT
    return None


def event_type(event: ChangeEvent, kind: str) -> str:
    """The message `type`: the kind's, except a route's retirement and a bulk addition, which say so."""
    if event.kind == ChangeEvent.Kind.BULK_ADDED:
        return BULK_ADDED_TYPE
    if kind == Kind.RETIREMENT and event.kind == ChangeEvent.Kind.OFFERING_CHANGED:
        return ROUTE_RETIRING_TYPE
    return EVENT_TYPES[kind]


def matches(subscription: WebhookSubscription, event: ChangeEvent, kind: str) -> bool:
    if subscription.kinds and kind not in subscription.kinds:
        return False
    if event.kind == ChangeEvent.Kind.BULK_ADDED:
        return _bulk_matches(subscription, event)
    model = event.model
    if subscription.model_slug and (model is None or model.slug != subscription.model_slug):
        return False
    if subscription.lab_slug and (model is None or model.lab.slug != subscription.lab_slug):
        return False
    if subscription.provider_slug and (
        event.offering is None or event.offering.provider.slug != subscription.provider_slug
    ):
        return False
    if subscription.min_move_pct and kind in (Kind.PRICE_UP, Kind.PRICE_DOWN):
        move = event.move_pct  # the API's change_pct; None from a price of 0: any rise is an unbounded move
        if move is not None and abs(move) < subscription.min_move_pct:
            return False
    return True


def _bulk_matches(subscription: WebhookSubscription, event: ChangeEvent) -> bool:
    """A bulk addition reaches subscribers without a model filter whose lab (or provider) had a model (or route)
    added by that run."""
    if subscription.model_slug:
        return False
    added = ChangeEvent.objects.filter(sync_run_id=event.sync_run_id)
    if (
        subscription.lab_slug
        and not added.filter(kind=ChangeEvent.Kind.MODEL_ADDED, model__lab__slug=subscription.lab_slug).exists()
    ):
        return False
    routes = added.filter(kind=ChangeEvent.Kind.OFFERING_ADDED, offering__provider__slug=subscription.provider_slug)
    return not subscription.provider_slug or routes.exists()


def message_id(event: ChangeEvent) -> str:
    """The Standard Webhooks `webhook-id`: the same for every attempt and every subscription of one event."""
    return f"evt_{event.pk}"


def api_time(moment: dt.datetime) -> str:
    """A moment as the API writes it: ISO 8601 in UTC with `Z` (DRF's form)."""
    text = moment.astimezone(dt.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def absolute(path: str) -> str:
    """A site path as a full URL (PAGE_CACHE_REWARM_URL: the scheme and host visitors use)."""
    return settings.PAGE_CACHE_REWARM_URL.rstrip("/") + path


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def event_data(event: ChangeEvent) -> dict[str, Any]:
    """The change event in the shape /api/v1/changes/ serves it (same keys), built here from the model so the
    service needs no API serializer; amounts as plain decimals, `actor` only ever "curator" or null."""
    move = event.move_pct
    url: str | None
    if event.kind == ChangeEvent.Kind.BULK_ADDED:
        url = absolute(f"{reverse('providers:changes')}?run={event.sync_run_id}")
    else:
        url = absolute(f"/api/v1/changes/?model={event.model.slug}") if event.model else None
    return {
        "id": event.pk,
        "kind": event.kind,
        "occurred_at": api_time(event.occurred_at),
        "summary": event.summary,
        "model": event.model.slug if event.model else None,
        "lab": event.model.lab.slug if event.model else None,
        "provider": event.offering.provider.slug if event.offering else None,
        "field": event.field or None,
        "old_value": event.old_value or None,
        "new_value": event.new_value or None,
        "old_usd": _amount(event.old_usd),
        "new_usd": _amount(event.new_usd),
        "change_pct": None if move is None else f"{move:f}",
        "actor": CURATOR if event.actor else None,
        "sync_run": event.sync_run_id,
        "url": url,
    }


def payload(event: ChangeEvent, kind: str) -> dict[str, Any]:
    """The message: {type, timestamp, data}, data being the change event as the API serves it."""
    return {"type": event_type(event, kind), "timestamp": api_time(event.occurred_at), "data": event_data(event)}


def fan_out(event_ids: Iterable[int]) -> list[int]:
    """Record a delivery for every active subscription each event matches: returns the new deliveries' ids, for
    the caller to enqueue (a repeat of an event already fanned out records none)."""
    # In the feed's form: a run that added models in bulk is its one BULK_ADDED event, not one per model.
    events = list(
        grouped_changes(ChangeEvent.objects.filter(pk__in=list(event_ids))).select_related(
            "model__lab", "offering__provider"
        )
    )
    if not events:
        return []
    subscriptions = list(WebhookSubscription.objects.filter(active=True))
    if not subscriptions:
        return []
    created: list[int] = []
    now = timezone.now()
    for event in events:
        kind = kind_of(event)
        if kind is None:
            continue
        body: dict[str, Any] | None = None
        for subscription in subscriptions:
            if not matches(subscription, event, kind):
                continue
            body = body or payload(event, kind)
            delivery, made = WebhookDelivery.objects.get_or_create(
                subscription=subscription,
                message_id=message_id(event),
                defaults={"event": event, "event_type": body["type"], "payload": body, "next_attempt_at": now},
            )
            if made:
                created.append(delivery.pk)
    return created


# A retry this late has lost its Celery countdown (a worker died holding it): the sweep sends it again.
OVERDUE = dt.timedelta(minutes=10)


def overdue() -> list[int]:
    """The deliveries still waiting well past their next attempt, and those claimed by a worker that died sending."""
    late = timezone.now() - OVERDUE
    waiting = Q(status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING], next_attempt_at__lte=late)
    stuck = Q(status=WebhookDelivery.Status.SENDING, updated_at__lte=late)
    return list(WebhookDelivery.objects.filter(waiting | stuck).values_list("pk", flat=True)[:1000])


def send_test_event(subscription: WebhookSubscription) -> WebhookDelivery:
    """A test message to one subscription (the admin's and the API's "send test event"), for the caller to enqueue
    (integrations.tasks.enqueue_deliveries) like any other."""
    now = timezone.now()
    msg_id = f"test_{subscription.pk}_{now.strftime('%Y%m%d%H%M%S%f')}"
    body = {
        "type": TEST_EVENT_TYPE,
        "timestamp": api_time(now),
        "data": {"subscription": subscription.pk, "summary": "A test message from the LLM catalog."},
    }
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, message_id=msg_id, event_type=TEST_EVENT_TYPE, payload=body, next_attempt_at=now
    )
    return delivery


# --- sending --------------------------------------------------------------------------------------------------------


def signed_headers(subscription: WebhookSubscription, delivery: WebhookDelivery, body: str) -> dict[str, str]:
    """The Standard Webhooks headers: webhook-id, webhook-timestamp and webhook-signature (v1, HMAC-SHA256)."""
    now = timezone.now()
    signature = Webhook(subscription.secret).sign(delivery.message_id, now, body)
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


@dataclass(frozen=True)
class Outcome:
    ok: bool
    retryable: bool
    status_code: int | None = None
    error: str = ""
    retry_after: float | None = None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (moment - dt.datetime.now(dt.UTC)).total_seconds())


class DeadlineExceededError(Exception):
    """The receiver took longer than the attempt's total deadline."""


def _send(url: str, body: bytes, headers: dict[str, str], addresses: list[str]) -> tuple[int, float | None]:
    """The POST's status and Retry-After, within `deadline_seconds()` in all: httpx's timeouts hold per read, so a
    receiver dripping a byte at a time would otherwise hold the worker. Past the deadline the client is closed
    (dropping the connection) and the attempt counts as a timeout."""
    client = client_for(url, addresses)
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            with client.stream("POST", url, content=body, headers=headers) as response:
                result["answer"] = (response.status_code, _retry_after(response))  # the body is never read
        except BaseException as exc:  # handed to the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=run, name="webhook-post", daemon=True)
    thread.start()
    thread.join(deadline_seconds())
    client.close()
    if thread.is_alive():
        raise DeadlineExceededError
    if "error" in result:
        raise result["error"]
    return result["answer"]


def post(subscription: WebhookSubscription, delivery: WebhookDelivery) -> Outcome:
    """One POST of the delivery's message, signed: what came of it."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    headers = signed_headers(subscription, delivery, body)
    try:
        addresses = check_url(subscription.url)  # the connection goes to these, not to a second DNS answer
        code, retry_after = _send(subscription.url, body.encode(), headers, addresses)
    except RefusedURLError as exc:
        return Outcome(ok=False, retryable=False, error=str(exc))
    except DeadlineExceededError:
        return Outcome(ok=False, retryable=True, error=f"timed out (no answer within {deadline_seconds():g} s)")
    except httpx.TimeoutException as exc:
        return Outcome(ok=False, retryable=True, error=f"timed out ({type(exc).__name__})")
    except httpx.TooManyRedirects:
        return Outcome(ok=False, retryable=False, error="too many redirects")
    except (httpx.TransportError, httpx.StreamError) as exc:
        return Outcome(ok=False, retryable=True, error=f"connection failed ({type(exc).__name__})")
    if 200 <= code < 300:
        return Outcome(ok=True, retryable=False, status_code=code)
    if code in TRANSIENT_STATUS:
        return Outcome(ok=False, retryable=True, status_code=code, error=f"HTTP {code}", retry_after=retry_after)
    return Outcome(ok=False, retryable=False, status_code=code, error=f"HTTP {code}")


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff after the `attempts`-th failed attempt, with a little jitter, at most 6 hours."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return min(base * random.uniform(0.9, 1.1), MAX_BACKOFF_SECONDS)


def claim(delivery_id: int) -> bool:
    """Take the delivery for this worker: a conditional UPDATE from pending/retrying (or a `sending` left behind by a
    worker that died OVERDUE ago) to `sending`. Only one worker's UPDATE matches the row, so only one sends."""
    now = timezone.now()
    sendable = Q(status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING]) | Q(
        status=WebhookDelivery.Status.SENDING, updated_at__lte=now - OVERDUE
    )
    claimed = WebhookDelivery.objects.filter(sendable, pk=delivery_id).update(
        status=WebhookDelivery.Status.SENDING, updated_at=now
    )
    return claimed == 1


def attempt(delivery_id: int) -> float | None:
    """Try a delivery once (unless it is settled already, or another worker has it): returns seconds until the next
    try, or None when there is none (delivered, failed for good, or nothing to do).

    The delivery is claimed first (`claim`: pending -> sending, one worker only), the POST happens outside any
    transaction or row lock, and its outcome is recorded afterwards in a short transaction."""
    if not claim(delivery_id):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.active:
        with transaction.atomic():
            _settle(delivery, WebhookDelivery.Status.FAILED, error="the subscription is turned off")
        return None
    outcome = post(subscription, delivery)  # no transaction is open here
    now = timezone.now()
    with transaction.atomic():
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error[:500]
        if outcome.ok:
            delivery.delivered_at = now
            _settle(delivery, WebhookDelivery.Status.SUCCEEDED)
            WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
            return None
        _count_failure(subscription, outcome)
        wait = outcome.retry_after if outcome.retry_after is not None else backoff_seconds(delivery.attempts)
        deadline = delivery.created_at + dt.timedelta(seconds=settings.WEBHOOK_RETRY_FOR_SECONDS)
        give_up = (
            not outcome.retryable
            or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
            or now + dt.timedelta(seconds=wait) > deadline
        )
        if give_up:
            _settle(delivery, WebhookDelivery.Status.FAILED)
            return None
        delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
        _settle(delivery, WebhookDelivery.Status.RETRYING)
        return wait


def _settle(delivery: WebhookDelivery, status: str, *, error: str = "") -> None:
    delivery.status = status
    if error:
        delivery.last_error = error
    if status != WebhookDelivery.Status.RETRYING:
        delivery.next_attempt_at = None
    delivery.save()


def _count_failure(subscription: WebhookSubscription, outcome: Outcome) -> None:
    """One more failed attempt in a row; at WEBHOOK_DISABLE_AFTER_FAILURES the subscription is turned off and its
    owner told (by email when they have an address, and in the admin and the API: `disabled_reason`)."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    subscription.refresh_from_db(fields=["consecutive_failures", "active"])
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    if not subscription.active or subscription.consecutive_failures < limit:
        return
    reason = (
        f"Turned off on {timezone.now():%Y-%m-%d %H:%M} UTC after {limit} failed attempts in a row "
        f"(last: {outcome.error})."
    )
    subscription.active = False
    subscription.disabled_reason = reason[:300]
    subscription.save(update_fields=["active", "disabled_reason", "updated_at"])
    logger.warning("webhook subscription %s turned off: %s", subscription.pk, reason)
    email = getattr(subscription.owner, "email", "")
    if email:
        send_mail(
            "Your LLM catalog webhook was turned off",
            f"{subscription.url}\n\n{reason}\n\nTurn it on again in your subscription once the receiver answers.",
            None,
            [email],
            fail_silently=True,
        )
