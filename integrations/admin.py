"""The webhooks in the admin: every subscription (with "send test event") and the delivery log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from integrations.models import WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = (
        "url",
        "owner",
        "active",
        "kinds",
        "model_slug",
        "lab_slug",
        "provider_slug",
        "consecutive_failures",
        "delivery_log",
    )
    list_filter = ("active",)
    search_fields = ("url", "owner__username", "model_slug", "lab_slug", "provider_slug")
    readonly_fields = ("consecutive_failures", "disabled_reason", "created_at", "updated_at")
    raw_id_fields = ("owner",)
    list_select_related = ("owner",)
    actions = ["send_test_event"]

    @admin.display(description="Deliveries")
    def delivery_log(self, subscription: WebhookSubscription) -> str:
        url = reverse("admin:integrations_webhookdelivery_changelist") + f"?subscription__id__exact={subscription.pk}"
        return format_html('<a href="{}">delivery log</a>', url)

    @admin.action(description="Send a test event")
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        from integrations.tasks import enqueue_deliveries
        from integrations.webhooks import send_test_event

        enqueue_deliveries([send_test_event(subscription).pk for subscription in queryset])
        self.message_user(request, f"Queued a test event to {queryset.count()} subscription(s).", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("message_id", "subscription", "event_type", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event_type")
    search_fields = ("message_id", "subscription__url")
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    list_select_related = ("subscription", "subscription__owner")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        """The delivery log is an audit trail: only a superuser removes entries."""
        return bool(request.user.is_superuser)
