"""Summaries kept in memory per catalog version (lib.caching.per_version): read once after a change, then free."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lib.caching import bump_catalog_version, per_version


def test_a_summary_is_built_once_per_version(db, settings):
    settings.VERSION_MEMO = True
    builds = []
    summary = per_version(lambda: builds.append(1) or len(builds))
    assert summary() == summary() == 1
    bump_catalog_version()
    assert summary() == summary() == 2
    settings.VERSION_MEMO = False
    assert summary() == 3  # off: every call builds


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_read_fewer_queries_once_the_summaries_are_kept(load_fixture_catalog, client, settings):
    """The exact counts are tested with the summaries off (tests/catalog/pages, tests/api); kept, they spare: the
    filters' 3 vocabulary queries on lists (and the browser's and the API's 3 facet queries), the percentiles' (the
    model's and its lab's other models'), the peer bars', the route index's, the catalog figures', the lab's newest
    models', the model's facets' (3) and aliases' queries on a model page, the home page's 5 counts and its 5 lists
    (newest models, price moves, 3 workloads), the calculator's 5 filter vocabularies, the route index's 2 queries and
    the 2 of the routes it shows (kept with the index once loaded)."""
    load_fixture_catalog()
    urls = {
        "/models/": 6,
        "/api/v1/models/?lab=openai": 6,  # vocabularies and facets (unfiltered, it reads no vocabulary at all)
        "/models/openai/gpt-4o-mini/": 12,
        "/": 10,
        "/calculator/": 9,
    }
    fresh = {url: queries(client, url) for url in urls}
    settings.VERSION_MEMO = True
    for url in urls:
        queries(client, url)  # the first call after a change builds the summaries
    assert {url: fresh[url] - queries(client, url) for url in urls} == urls
