"""/api/v1/webhooks/: a signed-in user's webhook subscriptions (an admin's: anyone's), their delivery logs and a
test message. The service is integrations/webhooks.py."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Lab, LanguageModel
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.outbound import RefusedURLError, check_url
from lib.api.fields import ErrorSerializer
from providers.models import Provider


class SubscriptionSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookSubscription.Kind.choices),
        required=False,
        help_text="what to hear of: price_up, price_down, new_model, retirement; empty or absent: all of them",
    )
    model = serializers.CharField(source="model_slug", required=False, allow_blank=True, help_text="lab/model")
    lab = serializers.CharField(source="lab_slug", required=False, allow_blank=True)
    provider = serializers.CharField(source="provider_slug", required=False, allow_blank=True)
    secret = serializers.CharField(
        read_only=True, help_text="verifies the webhook-signature header (Standard Webhooks, `whsec_` + base64)"
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "owner",
            "url",
            "description",
            "kinds",
            "model",
            "lab",
            "provider",
            "min_move_pct",
            "active",
            "secret",
            "consecutive_failures",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = ["consecutive_failures", "disabled_reason", "created_at"]

    def validate_url(self, value: str) -> str:
        try:
            check_url(value)
        except RefusedURLError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate_kinds(self, value: list[str]) -> list[str]:
        return sorted(set(value))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        checks = (
            ("model_slug", "model", LanguageModel.objects, "slug"),
            ("lab_slug", "lab", Lab.objects, "slug"),
            ("provider_slug", "provider", Provider.objects, "slug"),
        )
        for attr, name, manager, field in checks:
            value = attrs.get(attr)
            if value and not manager.filter(**{field: value}).exists():
                raise serializers.ValidationError({name: [f"No {name} {value}."]})
        if attrs.get("active"):
            attrs["disabled_reason"] = ""
            attrs["consecutive_failures"] = 0
        return attrs


class DeliverySerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="event_id", read_only=True, allow_null=True)
    # Plain text in the schema: an enum named "status" would collide with the routes' and models' status enum.
    status = serializers.CharField(read_only=True, help_text="pending, retrying, succeeded or failed")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event",
            "event_type",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "payload",
        ]
        read_only_fields = fields


def visible_subscriptions(request: Request) -> QuerySet[WebhookSubscription]:
    """A user's own subscriptions; an admin's (staff) view: everyone's."""
    subscriptions = WebhookSubscription.objects.select_related("owner").order_by("-created_at", "-id")
    if not request.user.is_authenticated:  # the schema generator's stand-in request
        return subscriptions.none()
    return subscriptions if request.user.is_staff else subscriptions.filter(owner=request.user)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Invalid fields: `errors` names each one with its messages (a URL the site will not send to among them).",
        401: "Subscriptions need a signed-in user: a session or an API token (Authorization: Token <key>).",
        403: "The request's credentials are not allowed here.",
        404: "No such subscription of yours (an admin sees everyone's), or a page beyond the last one.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


READ_ERRORS = _errors(401, 403, 404)
WRITE_ERRORS = _errors(400, 401, 403, 404)


@extend_schema_view(
    get=extend_schema(responses={200: SubscriptionSerializer(many=True), **READ_ERRORS}),
    post=extend_schema(responses={201: SubscriptionSerializer, **WRITE_ERRORS}),
)
@extend_schema(tags=["webhooks"])
class SubscriptionListView(generics.ListCreateAPIView):
    """Your webhook subscriptions (an admin sees everyone's); POST subscribes a URL."""

    permission_classes = [IsAuthenticated]
    serializer_class = SubscriptionSerializer
    queryset = WebhookSubscription.objects.none()  # the schema's model; get_queryset() answers

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return visible_subscriptions(self.request)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save(owner=self.request.user)


@extend_schema_view(
    get=extend_schema(responses={200: SubscriptionSerializer, **READ_ERRORS}),
    put=extend_schema(responses={200: SubscriptionSerializer, **WRITE_ERRORS}),
    patch=extend_schema(responses={200: SubscriptionSerializer, **WRITE_ERRORS}),
    delete=extend_schema(responses={204: None, **READ_ERRORS}),
)
@extend_schema(tags=["webhooks"])
class SubscriptionDetailView(generics.RetrieveUpdateDestroyAPIView):
    """One subscription: read, change (PATCH `active: true` turns a disabled one on again) or delete."""

    permission_classes = [IsAuthenticated]
    serializer_class = SubscriptionSerializer

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return visible_subscriptions(self.request)


@extend_schema_view(get=extend_schema(responses={200: DeliverySerializer(many=True), **READ_ERRORS}))
@extend_schema(tags=["webhooks"])
class DeliveryListView(generics.ListAPIView):
    """A subscription's delivery log, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = DeliverySerializer
    queryset = WebhookDelivery.objects.none()  # the schema's model; get_queryset() answers

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        subscription = generics.get_object_or_404(visible_subscriptions(self.request), pk=self.kwargs["pk"])
        return subscription.deliveries.order_by("-created_at", "-id")


class SendTestEventView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["webhooks"],
        summary="Send a test event",
        description="Queues a signed `webhook.test` message to the subscription; its delivery joins the log.",
        request=None,
        responses={202: DeliverySerializer, **READ_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        from integrations.tasks import enqueue_deliveries
        from integrations.webhooks import send_test_event

        subscription = generics.get_object_or_404(visible_subscriptions(request), pk=pk)
        delivery = send_test_event(subscription)
        enqueue_deliveries([delivery.pk])
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
