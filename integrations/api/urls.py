"""The integrations' endpoints under /api/v1/ (config/api_urls.py): the cost-map exports and webhooks."""

from django.urls import path

from integrations.api import views

urlpatterns = [
    path("export/litellm.json", views.LiteLLMExportView.as_view(), name="api-export-litellm"),
    path("export/modelsdev.json", views.ModelsDevExportView.as_view(), name="api-export-modelsdev"),
]
