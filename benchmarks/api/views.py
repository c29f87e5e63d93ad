"""/api/v1/ endpoints of benchmarks: the registry, each benchmark's ranked scores, and a curator's score write
(through benchmarks.curation only)."""

from __future__ import annotations

from functools import cached_property

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from benchmarks import curation, selectors
from benchmarks.api.filters import BenchmarkFilter, ScoreFilter
from benchmarks.api.serializers import (
    BenchmarkSerializer,
    FrontierSerializer,
    RankedScoreSerializer,
    ScoreInput,
    ScoreSerializer,
)
from benchmarks.frontier import frontier, leaderboard_points
from benchmarks.models import Benchmark, BenchmarkScore
from lib.api.plumbing import CachingHeadersMixin
from lib.api.schema import (
    PAGE_NOT_FOUND,
    WRITE_ERRORS,
    ApiSchema,
    curation_errors,
    errors,
    list_errors,
    parse_slug,
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
        return selectors.benchmark_rows()


class BenchmarkScoresView(CachingHeadersMixin, generics.ListAPIView):
    write_permissions = {"POST": ("benchmarks.add_benchmarkscore", "benchmarks.change_benchmarkscore")}
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
        return selectors.ranked_scores(self.benchmark)

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


class BenchmarkFrontierView(CachingHeadersMixin, APIView):
    """Price against score for one benchmark, with the value frontier: the page's chart as data."""

    schema = ApiSchema()

    @extend_schema(
        tags=["benchmarks"],
        summary="A benchmark's price-vs-score points and value frontier",
        description="Every priced model with a score on the benchmark: its best-documented score and its cheapest "
        "3:1 blended price per 1M tokens. A model is on the frontier when no other model is at least as cheap and at "
        "least as good (and strictly better on one).",
        responses={200: FrontierSerializer, **errors(404, not_found="No such benchmark.")},
    )
    def get(self, request: Request, slug: str) -> Response:
        slug = parse_slug(slug, "benchmark")
        benchmark = Benchmark.objects.filter(slug=slug).first()
        if benchmark is None:
            raise exceptions.NotFound(f"No benchmark {slug}.")
        points = leaderboard_points(selectors.leaderboard(benchmark))
        efficient = frontier(points, higher_is_better=benchmark.higher_is_better)
        on_frontier = {point.slug for point in efficient}
        data = {
            "benchmark": benchmark.slug,
            "higher_is_better": benchmark.higher_is_better,
            "points": [
                {**vars(point), "on_frontier": point.slug in on_frontier}
                for point in sorted(points, key=lambda p: (p.price, p.slug))
            ],
            "frontier": [point.slug for point in efficient],
        }
        return Response(FrontierSerializer(data).data)
