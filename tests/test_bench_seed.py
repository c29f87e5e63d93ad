"""`make bench` seeds its catalog with COPY, which no sync or signal sees: the seed must leave the read tables a
sync keeps (CheapestRoute) filled, or every page it measures would show an unpriced catalog (it once did)."""

import pytest
from django.db import connection

from catalog.models import LanguageModel
from providers.models import CheapestRoute, Offering, Price
from providers.pricing.summaries import compute_cheapest_routes

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench seeds PostgreSQL with COPY")


def test_a_small_seed_is_reproducible_in_size_and_leaves_the_catalog_priced_for_its_pages(db, client):
    from bench.seed import seed

    counts = seed(0.01)
    assert counts["models"] == LanguageModel.objects.count() > 0
    assert counts["offerings"] == Offering.objects.count()
    assert counts["prices"] == Price.objects.count()
    wanted = compute_cheapest_routes(None)
    assert counts["cheapest_routes"] == CheapestRoute.objects.count() == len(wanted) > 0
    stored = {row.model_id: row.blended_usd_per_mtok for row in CheapestRoute.objects.all()}
    assert stored == {model_id: row.blended_usd_per_mtok for model_id, row in wanted.items()}

    listed = client.get("/api/v1/models/?max_input_price=100&ordering=blended").json()
    assert listed["count"] > 0
    assert listed["results"][0]["cheapest"] is not None
