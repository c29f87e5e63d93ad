"""Rendered pages are served from the cache until the data changes, and never after."""

from django.db import transaction

from catalog.models import LanguageModel
from providers.sync.run import run_sync

URL = "/models/openai/gpt-4o-mini/"


def test_a_second_request_is_served_from_the_cache_without_queries(
    page_cache, load_fixture_catalog, client, django_assert_num_queries
):
    load_fixture_catalog()
    assert client.get(URL)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert response["X-Page-Cache"] == "hit"
    assert "GPT-4o mini" in response.content.decode()


def test_a_sync_that_changes_data_invalidates_every_page(page_cache, load_fixture_catalog, client, settings, tmp_path):
    import shutil

    load_fixture_catalog()
    client.get(URL)
    target = tmp_path / "curated"
    shutil.copytree(settings.CURATED_DATA_DIR, target)
    path = target / "models" / "openai.toml"
    path.write_text(path.read_text().replace('usd = "0.165"', 'usd = "0.17"'))
    settings.CURATED_DATA_DIR = target
    run_sync("curated")
    response = client.get(URL)
    assert response["X-Page-Cache"] == "miss"
    assert "$0.17" in response.content.decode()


def test_an_unchanged_sync_keeps_the_cache(page_cache, load_fixture_catalog, client):
    load_fixture_catalog()
    client.get(URL)
    run_sync("curated")  # writes nothing
    assert client.get(URL)["X-Page-Cache"] == "hit"


def test_an_edit_invalidates_once_it_commits(
    page_cache, load_fixture_catalog, client, django_capture_on_commit_callbacks
):
    load_fixture_catalog()
    client.get(URL)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        LanguageModel.objects.filter(slug="openai/gpt-4o-mini").update(name="ignored")  # no signal: no bump
        mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
        mini.name = "GPT-4o mini (renamed)"
        mini.save()
    assert "GPT-4o mini (renamed)" in client.get(URL).content.decode()


def test_an_htmx_fragment_and_the_full_page_are_cached_apart(page_cache, load_fixture_catalog, client):
    load_fixture_catalog()
    client.get(URL)
    assert client.get(URL, headers={"HX-Request": "true"})["X-Page-Cache"] == "miss"
    assert client.get(URL, headers={"HX-Request": "true"})["X-Page-Cache"] == "hit"


def test_cached_and_fresh_responses_vary_on_htmx(page_cache, load_fixture_catalog, client):
    load_fixture_catalog()
    assert "HX-Request" in client.get(URL)["Vary"]
    assert "HX-Request" in client.get(URL)["Vary"]  # the cache hit too


def test_clients_that_accept_gzip_get_the_same_page_compressed_first_time_and_from_the_cache(
    page_cache, load_fixture_catalog, client
):
    import gzip

    load_fixture_catalog()
    plain = client.get(URL)
    gz = {"Accept-Encoding": "br, gzip, deflate"}
    for expected in ("hit", "hit"):
        response = client.get(URL, headers=gz)
        assert response["X-Page-Cache"] == expected
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == plain.content
        assert response["ETag"] == "W/" + plain["ETag"]
        assert "Accept-Encoding" in response["Vary"]
        assert "Accept-Encoding" in plain["Vary"]
    assert client.get(URL, headers={**gz, "If-None-Match": response["ETag"]}).status_code == 304
    assert "Content-Encoding" not in client.get(URL)  # and plain again for a client that did not ask


def test_a_first_rendering_is_compressed_too(page_cache, load_fixture_catalog, client):
    import gzip

    load_fixture_catalog()
    first = client.get(URL, headers={"Accept-Encoding": "gzip"})
    assert (first["X-Page-Cache"], first["Content-Encoding"]) == ("miss", "gzip")
    assert "GPT-4o mini" in gzip.decompress(first.content).decode()


def _another_process_changes_everything():
    from lib import caching

    caching.shared_cache().set(caching.tag_key(caching.EVERYTHING), "another process's change")


def test_a_process_trusts_its_copy_for_a_moment_then_sees_another_processs_change(
    page_cache, load_fixture_catalog, client, settings, monkeypatch, django_assert_num_queries
):
    from django.core.cache import cache

    from lib import caching

    settings.PAGE_CACHE_LOCAL_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: clock[0])
    load_fixture_catalog()
    client.get(URL)
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
    assert client.get(URL)["X-Page-Cache"] == "hit"
    assert reads == []  # served from this process's copy: no round trip
    _another_process_changes_everything()  # another process (a worker's sync) changed the data
    assert client.get(URL)["X-Page-Cache"] == "hit"  # still within the trusted moment
    clock[0] += 5
    assert client.get(URL)["X-Page-Cache"] == "miss"  # the moment is over: the new tokens are read
    assert len(reads) == 1  # the entry and its tags in one round trip
    assert client.get(URL)["X-Page-Cache"] == "hit"


def test_without_a_local_copy_every_request_asks_the_shared_cache(page_cache, load_fixture_catalog, client, settings):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    load_fixture_catalog()
    client.get(URL)
    _another_process_changes_everything()
    assert client.get(URL)["X-Page-Cache"] == "miss"


def test_the_local_copy_keeps_within_its_byte_bound_dropping_the_least_recently_used(settings):
    from lib.caching import LocalEntries

    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    settings.PAGE_CACHE_LOCAL_BYTES = 250
    local = LocalEntries()
    now = caching_now()
    for name in ("a", "b"):
        local.hold(name, (("t",), b"x" * 100, None, []), now, local.generation)
    assert local.get("a") is not None  # a is now the most recently used
    local.hold("c", (("t",), b"x" * 100, None, []), now, local.generation)
    assert [name for name in "abc" if local.get(name) is not None] == ["a", "c"]
    generation = local.generation
    local.forget()  # this process changed data: nothing older is served
    assert [name for name in "abc" if local.get(name) is not None] == []
    local.hold("e", (("t",), b"z", None, []), now, generation)  # read before the change: not kept
    assert local.get("e") is None


def caching_now():
    from lib import caching

    return caching.time.monotonic()


def test_a_hot_entry_is_checked_again_in_the_shared_cache_and_a_rendering_extends_no_trust(settings, monkeypatch):
    from lib import caching

    settings.PAGE_CACHE_LOCAL_SECONDS = 1
    clock = [50.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: clock[0])
    local = caching.LocalEntries()
    local.hold("old", (("t",), b"a", None, []), 50.0, local.generation)
    clock[0] += 0.9
    local.hold("new", (("t",), b"b", None, []), 50.9, local.generation)  # rendered after a read at 50.9
    clock[0] += 0.2
    assert local.get("old") is None  # this entry's own second is over: back to the shared cache
    assert local.get("new") is not None
    clock[0] += 0.8
    assert local.get("new") is None  # the read at 50.9 ran out at 51.9; rendering did not extend it
