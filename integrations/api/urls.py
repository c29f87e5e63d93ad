"""The integrations' endpoints under /api/v1/ (config/api_urls.py): the cost-map exports and webhooks."""

from django.urls import path

from integrations.api import views, webhooks

urlpatterns = [
    path("export/litellm.json", views.LiteLLMExportView.as_view(), name="api-export-litellm"),
    path("export/modelsdev.json", views.ModelsDevExportView.as_view(), name="api-export-modelsdev"),
    path("webhooks/", webhooks.SubscriptionListView.as_view(), name="api-webhook-list"),
    path("webhooks/<int:pk>/", webhooks.SubscriptionDetailView.as_view(), name="api-webhook-detail"),
    path("webhooks/<int:pk>/deliveries/", webhooks.DeliveryListView.as_view(), name="api-webhook-deliveries"),
    path("webhooks/<int:pk>/test/", webhooks.SendTestEventView.as_view(), name="api-webhook-test"),
    path("webhooks/<int:pk>/rotate-secret/", webhooks.RotateSecretView.as_view(), name="api-webhook-rotate"),
]
