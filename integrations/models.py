"""Webhook subscriptions to catalog changes, and the log of every delivery to them."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookSubscription(models.Model):
    """A URL that wants to hear of some changes: filtered by model, lab, provider, kind and a minimum price move."""

    class Kind(models.TextChoices):
        PRICE_UP = "price_up", "Price up"
        PRICE_DOWN = "price_down", "Price down"
        NEW_MODEL = "new_model", "New model"
        RETIREMENT = "retirement", "Deprecation or retirement"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions")
    url = models.URLField(max_length=500, help_text="where the changes are POSTed (http or https)")
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=100, default=new_secret, help_text="signs every delivery (Standard Webhooks)")
    kinds = models.JSONField(
        default=list, blank=True, help_text="price_up, price_down, new_model, retirement; empty: all"
    )
    model_slug = models.CharField(max_length=200, blank=True, help_text="only this model (lab/model)")
    lab_slug = models.CharField(max_length=64, blank=True, help_text="only this lab's models")
    provider_slug = models.CharField(max_length=64, blank=True, help_text="only routes of this provider")
    min_move_pct = models.DecimalField(
        max_digits=7, decimal_places=2, default=Decimal(0), help_text="price changes smaller than this are not sent"
    )
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True, help_text="why it was turned off automatically")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(min_move_pct__gte=0), name="webhook_min_move_not_negative")]

    def __str__(self) -> str:
        return f"{self.url} ({self.owner})"


class WebhookDelivery(models.Model):
    """One message to one subscription: its attempts, its last answer, and whether it got through.

    `message_id` is the Standard Webhooks `webhook-id`, the same on every attempt ("evt_<change event id>"), so a
    receiver can drop a repeat; and it is unique per subscription, so one event is never queued twice for one URL.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Being sent"
        RETRYING = "retrying", "Waiting to retry"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        "providers.ChangeEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "message_id"], name="one_delivery_per_message"),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.message_id} to {self.subscription.url}: {self.status}"
