"""/api/v1/webhooks/: a signed-in user's webhook subscriptions, their delivery logs, a test message and a secret
rotation. The service is integrations/webhooks.py.

Who sees what: everyone their own subscriptions. Another user's only with `integrations.view_webhooksubscription`
(or `change_`), changes to it only with `change_webhooksubscription`, deletion only with `delete_`: a staff flag
alone gives nothing. The signing secret is shown to its owner only, in the create and the rotate responses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
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
        read_only=True,
        required=False,
        help_text="verifies the webhook-signature header (Standard Webhooks, `whsec_` + base64); only in the create "
        "response, to the owner (POST /webhooks/<id>/rotate-secret/ issues a new one)",
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

    def to_representation(self, instance: WebhookSubscription) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        shown = self.context.get("show_secret") and request is not None and instance.owner_id == request.user.pk
        if not shown:
            data.pop("secret", None)
        return data

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


VIEW_ALL = "integrations.view_webhooksubscription"
CHANGE_ANY = "integrations.change_webhooksubscription"
DELETE_ANY = "integrations.delete_webhooksubscription"


def visible_subscriptions(request: Request) -> QuerySet[WebhookSubscription]:
    """A user's own subscriptions; everyone's only with the view (or change) permission, never for is_staff alone."""
    subscriptions = WebhookSubscription.objects.select_related("owner").order_by("-created_at", "-id")
    user = request.user
    if not user.is_authenticated:  # the schema generator's stand-in request
        return subscriptions.none()
    if user.has_perm(VIEW_ALL) or user.has_perm(CHANGE_ANY):
        return subscriptions
    return subscriptions.filter(owner=user)


def may_write(user: Any, subscription: WebhookSubscription, method: str) -> bool:
    """The owner changes and deletes their own; anyone else needs the model's change_ (or delete_) permission."""
    if subscription.owner_id == user.pk:
        return True
    return user.has_perm(DELETE_ANY if method == "DELETE" else CHANGE_ANY)


class OwnerOrModelPermission(BasePermission):
    """Reads follow visible_subscriptions(); writes to another user's subscription need change_/delete_."""

    def has_object_permission(self, request: Request, view: Any, obj: WebhookSubscription) -> bool:
        return request.method in SAFE_METHODS or may_write(request.user, obj, request.method)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Invalid fields: `errors` names each one with its messages (a URL the site will not send to among them).",
        401: "Subscriptions need a signed-in user: a session or an API token (Authorization: Token <key>).",
        403: "The request's credentials are not allowed here.",
        404: "No such subscription of yours (with the view permission: anyone's), or a page beyond the last one.",
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
    """Your webhook subscriptions (with the view permission: everyone's); POST subscribes a URL and answers with its
    signing secret, the only time it is shown."""

    permission_classes = [IsAuthenticated]
    serializer_class = SubscriptionSerializer
    queryset = WebhookSubscription.objects.none()  # the schema's model; get_queryset() answers

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return visible_subscriptions(self.request)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "show_secret": self.request.method == "POST"}

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

    permission_classes = [IsAuthenticated, OwnerOrModelPermission]
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
        if not may_write(request.user, subscription, "POST"):
            raise PermissionDenied("Only the owner (or the change permission) sends a test event.")
        delivery = send_test_event(subscription)
        enqueue_deliveries([delivery.pk])
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True, help_text="the new signing secret; the old one stops at once")


class RotateSecretView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["webhooks"],
        summary="Rotate the signing secret",
        description="Issues a new signing secret and shows it once. Only the subscription's owner may.",
        request=None,
        responses={200: SecretSerializer, **READ_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        from integrations.models import new_secret

        subscription = generics.get_object_or_404(visible_subscriptions(request), pk=pk)
        if subscription.owner_id != request.user.pk:
            raise PermissionDenied("Only the owner rotates a subscription's secret.")
        subscription.secret = new_secret()
        subscription.save(update_fields=["secret", "updated_at"])
        return Response({"secret": subscription.secret})
