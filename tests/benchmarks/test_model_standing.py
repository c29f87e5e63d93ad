"""Where a model stands on its benchmarks (percentiles) and which similarly priced models scored there (peers):
both are counted or ranked by the database, so they are checked here against the plain definition computed from
every score in Python."""

from decimal import Decimal

import pytest

from benchmarks.models import Benchmark, BenchmarkScore
from benchmarks.peers import peers_by_benchmark
from benchmarks.selectors import percentiles, scores_for_model
from catalog.models import LanguageModel
from providers.selectors import blended_price_of, with_blended_price
from tests.factories import build_catalog


def score(model: LanguageModel, benchmark: Benchmark, value: str) -> None:
    BenchmarkScore.objects.create(
        model=model,
        benchmark=benchmark,
        value=Decimal(value),
        source="curated",
        version=f"run {value}",  # one score per model, benchmark, source and version
        self_reported=False,
        source_url="https://example.com",
    )


@pytest.fixture
def scored(db, settings):
    """Eight models (model-i: MMLU 60 + i, blended price rising with i), plus a lower-is-better benchmark, a
    model's second and worse MMLU score, and a tie. Ranks from 4 scored models, so "errors" ranks too."""
    settings.RANKING_MIN_SCORES = 4
    build_catalog(8)
    models = {m.slug: m for m in LanguageModel.objects.all()}
    mmlu = Benchmark.objects.get(slug="mmlu")
    latency = Benchmark.objects.create(
        slug="errors", name="Errors", category="knowledge", metric="error rate", higher_is_better=False
    )
    score(models["lab/model-3"], mmlu, "50")  # a worse second score: model-3's best stays 63
    score(models["lab/model-5"], mmlu, "63")  # a second score tying model-3's best
    for i, value in enumerate(["9", "4", "4", "7"]):
        score(models[f"lab/model-{i}"], latency, value)
    score(models["lab/model-0"], latency, "12")  # worse for a lower-is-better benchmark: the best stays 9
    return models


def by_definition(model: LanguageModel, benchmark: Benchmark) -> tuple[int, int]:
    best: dict[int, Decimal] = {}
    pick = max if benchmark.higher_is_better else min
    for row in BenchmarkScore.objects.filter(benchmark=benchmark):
        best[row.model_id] = pick(best.get(row.model_id, row.value), row.value)
    own = best[model.pk]
    worse = [v for m, v in best.items() if m != model.pk and (v < own if benchmark.higher_is_better else v > own)]
    return round(100 * len(worse) / (len(best) - 1)), len(best)


@pytest.mark.parametrize("slug", ["lab/model-0", "lab/model-3", "lab/model-5", "lab/model-7", "lab/model-2"])
def test_percentiles_match_the_definition_with_ties_repeats_lower_is_better(scored, slug, django_assert_num_queries):
    model = scored[slug]
    own = list(scores_for_model(model))
    with django_assert_num_queries(1):
        result = percentiles(model, own)
    for benchmark in {s.benchmark for s in own}:
        got = result[benchmark.pk]
        assert (got.percent, got.of_models) == by_definition(model, benchmark), benchmark.slug


def test_percentiles_spot_values(scored):
    mmlu = Benchmark.objects.get(slug="mmlu")
    errors = Benchmark.objects.get(slug="errors")
    model_3 = scored["lab/model-3"]
    result = percentiles(model_3, list(scores_for_model(model_3)))
    assert result[mmlu.pk].percent == 43  # beats model-0..2 (60-62) of 7 others; model-5's 63 is a tie
    # Errors, lower is better: model-3's 7 beats model-0 (best 9, not its 12); model-1 and model-2 (4) beat it.
    assert (result[errors.pk].percent, result[errors.pk].of_models) == (33, 4)


def test_too_few_scores_give_no_percentile(scored, settings):
    settings.RANKING_MIN_SCORES = 5
    errors = Benchmark.objects.get(slug="errors")  # 4 models scored
    model_3 = scored["lab/model-3"]
    result = percentiles(model_3, list(scores_for_model(model_3)))
    assert (result[errors.pk].percent, result[errors.pk].of_models) == (None, 4)
    assert not result[errors.pk].ranked
    assert result[Benchmark.objects.get(slug="mmlu").pk].ranked


def test_peers_are_the_nearest_in_price_with_their_best_score(scored, django_assert_num_queries):
    mmlu = Benchmark.objects.get(slug="mmlu")
    model = scored["lab/model-4"]
    own = with_blended_price(LanguageModel.objects.filter(pk=model.pk)).get().blended_usd
    with django_assert_num_queries(1):
        peers = peers_by_benchmark(model, [mmlu.pk], blended_price_of("model"), own, count=2)
    # Prices rise with i: the nearest two to model-4 are model-3 and model-5 (equal distance on both sides).
    rows = [(p.slug, p.value, p.is_self) for p in peers[mmlu.pk]]
    assert rows == [
        ("lab/model-5", Decimal("65"), False),  # its best of 65 and 63
        ("lab/model-4", Decimal("64"), True),
        ("lab/model-3", Decimal("63"), False),  # not its worse 50
    ]
    assert peers[mmlu.pk][1].blended_usd == own


def test_peers_of_a_model_without_a_price_are_the_first_by_slug_and_none_where_it_has_no_score(scored):
    mmlu = Benchmark.objects.get(slug="mmlu")
    errors = Benchmark.objects.get(slug="errors")
    model = scored["lab/model-6"]  # no score on "errors"
    peers = peers_by_benchmark(model, [mmlu.pk, errors.pk], blended_price_of("model"), None, count=2)
    assert errors.pk not in peers
    assert sorted(p.slug for p in peers[mmlu.pk]) == ["lab/model-0", "lab/model-1", "lab/model-6"]


def peers_in_the_database(model, benchmark_ids, price, own_price, count):
    """The peer bars as the database ranked them before the peer table (a window over every score): the
    reference the in-memory table is held to."""
    from django.db.models import Case, F, Func, Q, Value, When, Window
    from django.db.models.functions import DenseRank

    from benchmarks.peers import PRICE, Peer

    nearness = Window(
        DenseRank(),
        partition_by=F("benchmark_id"),
        order_by=[
            Case(When(model_id=model.pk, then=Value(0)), default=Value(1)).asc(),
            Func(F("blended_usd") - Value(own_price, output_field=PRICE), function="ABS", output_field=PRICE).asc(),
            F("model__slug").asc(),
        ],
    )
    rows = (
        BenchmarkScore.objects.filter(benchmark_id__in=benchmark_ids)
        .annotate(blended_usd=price)
        .filter(Q(model_id=model.pk) | Q(blended_usd__isnull=False))
        .annotate(nearness=nearness)
        .filter(nearness__lte=count + 1)
        .values_list(
            "benchmark_id",
            "model_id",
            "model__slug",
            "model__name",
            "value",
            "blended_usd",
            "benchmark__higher_is_better",
        )
        .order_by("benchmark_id", "nearness", "-value")
    )
    best: dict = {}
    direction: dict = {}
    for benchmark_id, model_id, slug, name, value, blended_usd, higher in rows:
        # These scores are all independent and undated: the best-documented one is the best by direction.
        direction[benchmark_id] = higher
        per_model = best.setdefault(benchmark_id, {})
        current = per_model.get(model_id)
        if current is None or (value > current.value if higher else value < current.value):
            per_model[model_id] = Peer(slug, name, value, blended_usd, model_id == model.pk)
    return {
        b: sorted(m.values(), key=lambda p: -p.value if direction[b] else p.value)
        for b, m in best.items()
        if model.pk in m
    }


def test_the_peer_table_picks_what_the_database_ranking_picked(scored):
    import random

    from providers.models import CheapestRoute

    rng = random.Random(18)
    mmlu = Benchmark.objects.get(slug="mmlu")
    errors = Benchmark.objects.get(slug="errors")
    models = list(scored.values())
    for model in rng.sample(models, 3):  # equal prices: ties broken by slug on both sides
        CheapestRoute.objects.filter(model=model).update(blended_usd_per_mtok=Decimal("1.5"))
    CheapestRoute.objects.filter(model=models[1]).delete()  # a scored model without a price
    for model in models:
        score(model, errors, f"{rng.randint(1, 9)}.5")
    for model in models:
        own = with_blended_price(LanguageModel.objects.filter(pk=model.pk)).get().blended_usd
        for price in (own, None, Decimal("1.5")):
            for count in (1, 2, 3, 5, 9):
                ids = [mmlu.pk, errors.pk]
                expected = peers_in_the_database(model, ids, blended_price_of("model"), price, count)
                assert peers_by_benchmark(model, ids, blended_price_of("model"), price, count=count) == expected, (
                    model.slug,
                    price,
                    count,
                )


def test_one_best_score_rule_and_one_percentile_rule():
    """best_of picks the leaderboard's score (independent before self-reported, then newer, then better), and
    share_beaten counts the others beaten in either direction; ties beat no one."""
    import datetime as dt

    from benchmarks.selectors import best_of, share_beaten

    day = dt.date(2026, 1, 1)
    rows = [("m", Decimal("90"), True, day, True, "self"), ("m", Decimal("80"), False, None, True, "independent")]
    assert best_of(rows) == {"m": (Decimal("80"), "independent")}
    values = [Decimal(v) for v in ("1", "2", "2", "3")]
    assert share_beaten(Decimal("2"), values) == 33  # beats 1 of the 3 others
    assert share_beaten(Decimal("2"), values, higher_is_better=False) == 33
    assert share_beaten(Decimal("1"), values, higher_is_better=False) == 100
    assert share_beaten(Decimal("1"), [Decimal("1")]) is None
