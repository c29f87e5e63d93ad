"""The model page's alternatives are picked in memory from the catalog figures (kept per catalog version); they are
held here to the database query that picked them before, on a catalog with ties, unpriced and retired models and
mixed input types and capabilities."""

import random
from decimal import Decimal

import pytest
from django.db.models import F, Func

from catalog.models import Capability, LanguageModel, Modality
from catalog.pages.performance import catalog_figures
from catalog.selectors import facets_of
from providers.models import CheapestRoute
from providers.selectors import USD, with_blended_price
from tests.factories import build_catalog


def alternatives_in_the_database(model: LanguageModel, own: Decimal | None, count: int) -> list[str]:
    """Other live models with every input type and capability this one has, nearest in blended price (then by
    slug; the cheapest first when this one has no price), as the page's one query read them."""
    candidates = (
        LanguageModel.objects.exclude(pk=model.pk)
        .live()
        .having_all("input_modalities", [m.slug for m in model.input_modalities.all()])
        .having_all("capabilities", [c.slug for c in model.capabilities.all()])
    )
    candidates = with_blended_price(candidates).filter(blended_usd__isnull=False)
    if own is not None:
        candidates = candidates.annotate(
            distance=Func(F("blended_usd") - own, function="ABS", output_field=USD)
        ).order_by("distance", "slug")
    else:
        candidates = candidates.order_by("blended_usd", "slug")
    return [m.slug for m in candidates[:count]]


@pytest.fixture
def mixed(db):
    build_catalog(24, routes=1, with_scores=False)
    rng = random.Random(18)
    text, image = Modality.objects.get(slug="text"), Modality.objects.get(slug="image")
    tools = Capability.objects.get(slug="tool_calling")
    vision, _ = Capability.objects.get_or_create(slug="structured_outputs", defaults={"name": "Structured outputs"})
    for model in LanguageModel.objects.all():
        model.input_modalities.set(rng.choice([[text], [text, image], [image]]))
        model.capabilities.set(rng.choice([[], [tools], [tools, vision], [vision]]))
        if rng.random() < 0.15:
            model.status = LanguageModel.Status.RETIRED
            model.save()
        route = CheapestRoute.objects.filter(model=model)
        if rng.random() < 0.15:
            route.delete()  # no priced route
        else:  # few distinct prices: many ties in distance
            route.update(blended_usd_per_mtok=Decimal(rng.choice(["0.5", "1", "1.25", "2", "3.5"])))
    return LanguageModel.objects.with_facets().select_related("cheapest_route")


@pytest.mark.parametrize("count", [1, 3, 5])
def test_the_alternatives_match_the_database_ranking(mixed, count, django_assert_num_queries):
    with django_assert_num_queries(4):  # the figures, built once (kept per catalog version on a site)
        figures = catalog_figures()
    for model in mixed:
        facets = facets_of(model)
        route = getattr(model, "cheapest_route", None)
        for own in {route.blended_usd_per_mtok if route else None, None, Decimal("1.1"), Decimal("9")}:
            expected = alternatives_in_the_database(model, own, count)
            with django_assert_num_queries(0):
                got = [row.slug for row in figures.alternatives(model, facets, own, count)]
            assert got == expected, (model.slug, own)
