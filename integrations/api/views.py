"""/api/v1/export/litellm.json and /api/v1/export/modelsdev.json: the catalog as LiteLLM's and models.dev's own
cost maps (integrations/exports.py), cached and streamed; and the webhook subscriptions and their delivery logs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import ClassVar

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from integrations.exports import iter_litellm_json, iter_modelsdev_json
from integrations.streaming import cached_stream
from lib.api.plumbing import CachingHeadersMixin

LITELLM_DESCRIPTION = (
    "Every priced live route in the shape of LiteLLM's `model_prices_and_context_window.json`, under LiteLLM's own "
    "key for the route (`gpt-4o-mini`, `azure/gpt-4o-mini`, `openrouter/openai/gpt-4o-mini`, `vertex_ai/…`, "
    "`bedrock/…`; the mapping per provider is in docs/integrations.md). USD per token as floats; cache read and "
    "write, `*_above_*_tokens` tiers and `_batches`/`_flex`/`_priority` service tiers; `supports_*` flags only "
    "where known. Extra keys LiteLLM ignores: `source`, `verified_on` (the oldest date a source stated one of the "
    "entry's prices), `catalog_model`. Load it with `litellm.register_model(url)`. Cached per catalog version and "
    "streamed."
)
MODELSDEV_DESCRIPTION = (
    "Every priced live route in the shape of models.dev's `api.json`: providers keyed by models.dev's provider id, "
    "each with its models keyed by the provider's model id, costs in USD per 1M tokens (long-context tiers in "
    "`cost.tiers`). Extra keys: `source`, `verified_on`, `catalog_model`. Cached per catalog version and streamed."
)
DOCUMENT = {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": True}}


class _ExportView(CachingHeadersMixin, APIView):
    """One cost map: `name` keys its cache entry, `chunks` yields its JSON text."""

    permission_classes = [AllowAny]
    name: ClassVar[str]
    chunks: ClassVar[Callable[[], Iterator[str]]]

    def get(self, request: Request) -> HttpResponse | StreamingHttpResponse:
        return cached_stream(request, self.name, type(self).chunks, "application/json")


class LiteLLMExportView(_ExportView):
    name = "litellm"
    chunks = staticmethod(iter_litellm_json)

    @extend_schema(
        operation_id="export_litellm",
        summary="The catalog as LiteLLM's cost map",
        description=LITELLM_DESCRIPTION,
        responses={(200, "application/json"): OpenApiResponse(DOCUMENT, description="LiteLLM's cost map.")},
        tags=["export"],
    )
    def get(self, request: Request) -> HttpResponse | StreamingHttpResponse:
        return super().get(request)


class ModelsDevExportView(_ExportView):
    name = "modelsdev"
    chunks = staticmethod(iter_modelsdev_json)

    @extend_schema(
        operation_id="export_modelsdev",
        summary="The catalog as models.dev's api.json",
        description=MODELSDEV_DESCRIPTION,
        responses={(200, "application/json"): OpenApiResponse(DOCUMENT, description="models.dev's api.json.")},
        tags=["export"],
    )
    def get(self, request: Request) -> HttpResponse | StreamingHttpResponse:
        return super().get(request)


__all__ = ["LiteLLMExportView", "ModelsDevExportView"]
