"""The model page's performance summary and the lab's ratings (catalog/pages/performance.py)."""

from decimal import Decimal

from benchmarks.models import BenchmarkScore
from benchmarks.selectors import percentiles, percentiles_of_models, scores_for_model
from catalog.models import LanguageModel
from catalog.pages.performance import better_than, rating
from providers.models import Offering
from tests.factories import build_catalog

URL = "/models/lab/model-3/"


def test_better_than_counts_the_others_beaten_and_ties_beat_no_one():
    prices = [Decimal(1), Decimal(2), Decimal(2), Decimal(5)]
    assert better_than(Decimal(1), prices, lower_is_better=True) == 100
    assert better_than(Decimal(2), prices, lower_is_better=True) == 33  # beats only the $5 one
    assert better_than(Decimal(5), prices, lower_is_better=True) == 0
    assert better_than(Decimal(5), prices) == 100
    assert better_than(Decimal(1), [Decimal(1)]) is None  # no other model
    assert [rating(p) for p in (None, 0, 19, 20, 59, 80, 100)] == [None, 1, 1, 2, 3, 5, 5]


def test_the_summary_names_each_rule_and_peer_group(client, db, settings):
    settings.RANKING_MIN_SCORES = 5
    build_catalog(8)  # model-i costs more and scores higher (60 + i on MMLU) as i grows
    response = client.get(URL)
    standings = {s.label: s for s in response.context["performance"].standings}
    price = standings["Price"]
    assert (price.percentile, price.of_models) == (57, 8)  # cheaper than 4 of the 7 others
    assert "every input type and capability" in price.peers
    assert standings["Context window"].percentile == 0  # all 128K: ties beat no one
    assert standings["Speed"].percentile is None  # no route's speed is measured
    assert (standings["MMLU"].percentile, standings["MMLU"].of_models) == (43, 8)
    html = response.content.decode()
    assert "Performance summary" in html
    assert "Better than 57% of the 7 other live models with every input type and capability this one has." in html


def test_a_benchmark_with_too_few_scores_is_left_out(client, db, settings):
    settings.RANKING_MIN_SCORES = 10
    build_catalog(8)
    labels = [s.label for s in client.get(URL).context["performance"].standings]
    assert labels == ["Price", "Context window", "Speed"]


def test_speed_counts_when_measured(client, db):
    build_catalog(4)
    for i, offering in enumerate(Offering.objects.filter(provider__slug="prov-0").order_by("model__slug")):
        Offering.objects.filter(pk=offering.pk).update(throughput_tps=Decimal(50 + 10 * i))
    speed = {s.label: s for s in client.get(URL).context["performance"].standings}["Speed"]
    assert (speed.percentile, speed.of_models) == (100, 4)


def test_the_labs_other_models_are_rated_from_the_same_percentiles(client, db, settings):
    settings.RANKING_MIN_SCORES = 5
    build_catalog(8)
    others = {m.slug: m.rating for m in client.get(URL).context["lab_models"]}
    assert others["lab/model-0"].cost == 1  # the cheapest
    assert others["lab/model-7"].cost == 5
    assert others["lab/model-7"].ability == 5  # the best MMLU score
    assert others["lab/model-0"].ability == 1
    assert others["lab/model-0"].speed is None  # no measurement: a dash
    html = client.get(URL).content.decode()
    assert 'aria-label="speed unknown">—</td>' in html


def test_percentiles_of_models_agrees_with_percentiles(db):
    build_catalog(6)
    BenchmarkScore.objects.filter(model__slug="lab/model-2").update(value=Decimal(64))  # ties model-4
    ids = list(LanguageModel.objects.values_list("pk", flat=True))
    together = percentiles_of_models(ids)
    for model in LanguageModel.objects.all():
        alone = percentiles(model, list(scores_for_model(model)))
        assert together[model.pk] == alone
