"""/api/v1/ endpoints of benchmarks: the registry, each benchmark's ranked scores, and a curator's score write
(through benchmarks.curation only)."""

from __future__ import annotations

from functools import cached_property

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from benchmarks import curation
from benchmarks.api.filters import BenchmarkFilter, ScoreFilter
from benchmarks.api.serializers import BenchmarkSerializer, RankedScoreSerializer, ScoreInput, ScoreSerializer
from benchmarks.models import Benchmark, BenchmarkScore
from config.api import CachingHeadersMixin
from providers.api.common import (
    PAGE_NOT_FOUND,
    WRITE_ERRORS,
    ApiSchema,
    curation_errors,
    errors,
    list_errors,
    parse_slug,
)
from providers.selectors import USD, priced_offerings


def benchmark_rows() -> QuerySet[Benchmark]:
    """Every benchmark with how many models it scores, by category and name (as the /benchmarks/ page): 1 query."""
    return Benchmark.objects.annotate(model_count=Count("scores__model", distinct=True)).order_by("category", "name")


def ranked_scores(benchmark: Benchmark) -> QuerySet[BenchmarkScore]:
    """A benchmark's scores best first (by its direction; ties by model slug), each with its model, lab and the
    model's cheapest route (lowest 3:1 blended standard price, as with_cheapest_route): 1 query per page."""
    cheapest = priced_offerings().filter(model=OuterRef("model")).order_by("blended_usd", "kind_rank", "pk")
    best_first = F("value").desc() if benchmark.higher_is_better else F("value").asc()
    return (
        BenchmarkScore.objects.filter(benchmark=benchmark)
        .select_related("model", "model__lab")
        .annotate(
            cheapest_offering_id=Subquery(cheapest.values("pk")[:1], output_field=IntegerField()),
            cheapest_blended_usd=Subquery(cheapest.values("blended_usd")[:1], output_field=USD),
            cheapest_provider=Subquery(cheapest.values("provider__slug")[:1]),
        )
        .order_by(best_first, "model__slug", "version", "source")
    )


@extend_schema(
    tags=["benchmarks"],
    summary="Every benchmark",
    description="By category and name, with its scale, direction and how many models have a score.",
    responses={200: BenchmarkSerializer(many=True), **list_errors()},
)
class BenchmarkListView(CachingHeadersMixin, generics.ListAPIView):
    serializer_class = BenchmarkSerializer
    filterset_class = BenchmarkFilter
    schema = ApiSchema()

    def get_queryset(self) -> QuerySet[Benchmark]:
        return benchmark_rows()


class BenchmarkScoresView(CachingHeadersMixin, generics.ListAPIView):
    serializer_class = RankedScoreSerializer
    filterset_class = ScoreFilter
    schema = ApiSchema()

    @cached_property
    def benchmark(self) -> Benchmark:
        slug = parse_slug(self.kwargs["slug"], "benchmark")
        benchmark = Benchmark.objects.filter(slug=slug).first()
        if benchmark is None:
            raise exceptions.NotFound(f"No benchmark {slug}.")
        return benchmark

    def get_queryset(self) -> QuerySet[BenchmarkScore]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no slug
            return BenchmarkScore.objects.none()
        return ranked_scores(self.benchmark)

    @extend_schema(
        tags=["benchmarks"],
        summary="A benchmark's scores, best first",
        description="One row per published score (a model may have several: versions, sources), best first in "
        "the benchmark's direction, with the model's cheapest blended price.",
        responses={
            200: RankedScoreSerializer(many=True),
            **list_errors(not_found=f"No such benchmark. {PAGE_NOT_FOUND}"),
        },
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["curation"],
        summary="Add or update a curator's score (staff)",
        description="One curator score per model, benchmark and version: 201 when new, 200 when it replaced the "
        "curator's earlier one. Syncs never change it.",
        request=ScoreInput,
        examples=[
            OpenApiExample(
                "MMLU",
                value={
                    "model": "openai/gpt-4o-mini",
                    "value": "82.5",
                    "date": "2024-07-18",
                    "source_url": "https://openai.com/index/gpt-4o-mini-advancing-cost-efficient-intelligence/",
                    "self_reported": True,
                },
                request_only=True,
            )
        ],
        responses={200: ScoreSerializer, 201: ScoreSerializer, **errors(*WRITE_ERRORS, 404)},
        filters=False,
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        benchmark = self.benchmark
        serializer = ScoreInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        with curation_errors():
            score, created = curation.set_score(
                benchmark,
                model=values["model"],
                value=values["value"],
                self_reported=values["self_reported"],
                user=request.user,
                version=values["version"],
                measured_on=values["date"],
                source_url=values["source_url"],
            )
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
