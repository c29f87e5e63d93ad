"""Anonymous API reads are kept on the server per catalog version, like rendered pages: a repeat costs no query,
and any data change (a sync, a staff edit through the API) serves fresh data at once."""

import pytest

from providers.sync.run import run_sync

DETAIL = "/api/v1/models/openai/gpt-4o-mini/"

pytestmark = pytest.mark.usefixtures("page_cache")  # every test here reads with the page cache on


def test_a_repeat_is_served_without_queries_with_the_same_body_and_headers(client, catalog, django_assert_num_queries):
    first = client.get(DETAIL)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get(DETAIL)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert again.json()["slug"] == "openai/gpt-4o-mini"
    for header in ("Content-Type", "ETag", "Cache-Control", "Vary"):
        assert again[header] == first[header], header


def test_a_kept_answer_still_honours_if_none_match(client, catalog):
    etag = client.get(DETAIL)["ETag"]
    response = client.get(DETAIL, headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_lists_are_kept_per_full_url(client, catalog):
    cheap = client.get("/api/v1/models/?max_input_price=0.2").json()
    assert client.get("/api/v1/models/?max_input_price=0.2")["X-Page-Cache"] == "hit"
    other = client.get("/api/v1/models/?max_input_price=100")
    assert other["X-Page-Cache"] == "miss"
    assert 0 < cheap["count"] < other.json()["count"]


def test_a_sync_that_changes_data_serves_fresh_answers(client, catalog, settings, tmp_path):
    import shutil

    before = client.get(DETAIL).json()
    target = tmp_path / "curated"
    shutil.copytree(settings.CURATED_DATA_DIR, target)
    path = target / "models" / "openai.toml"
    path.write_text(path.read_text().replace("context_window = 128000", "context_window = 131072", 1))
    settings.CURATED_DATA_DIR = target
    run_sync("curated")
    after = client.get(DETAIL)
    assert after["X-Page-Cache"] == "miss"
    assert (before["context_window"], after.json()["context_window"]) == (128000, 131072)


def test_a_staff_edit_serves_fresh_answers_and_staff_reads_are_never_kept(
    client, catalog, staff_token, django_capture_on_commit_callbacks
):
    client.get(DETAIL)
    with django_capture_on_commit_callbacks(execute=True):
        edit = client.patch(
            DETAIL, {"name": "GPT-4o mini (2024)"}, content_type="application/json", headers=staff_token
        )
    assert edit.status_code == 200
    assert client.get(DETAIL).json()["name"] == "GPT-4o mini (2024)"
    assert "X-Page-Cache" not in client.get(DETAIL, headers=staff_token)
    assert "X-Page-Cache" not in client.get(DETAIL, headers=staff_token)


def test_a_kept_answer_is_still_throttled(client, catalog, settings):
    settings.API_ANON_RATE = "2/min"
    assert [client.get(DETAIL).status_code for _ in range(3)] == [200, 200, 429]


def test_errors_and_redirects_are_not_kept(client, catalog):
    assert client.get("/api/v1/models/openai/no-such-model/").status_code == 404
    assert "X-Page-Cache" not in client.get("/api/v1/models/openai/no-such-model/")
    bad = client.get("/api/v1/models/?max_input_price=cheap")
    assert bad.status_code == 400
    assert "X-Page-Cache" not in bad


def test_with_the_page_cache_off_every_read_renders(client, catalog, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(DETAIL)
    assert "X-Page-Cache" not in client.get(DETAIL)


def test_answers_with_absolute_links_are_kept_per_host_and_scheme(client, catalog, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    first = client.get("/api/v1/models/?page_size=1", headers={"Host": "a.example"}).json()
    other = client.get("/api/v1/models/?page_size=1", headers={"Host": "b.example"})
    assert other["X-Page-Cache"] == "miss"
    assert first["next"].startswith("http://a.example/")
    assert other.json()["next"].startswith("http://b.example/")
    secure = client.get("/api/v1/models/?page_size=1", headers={"Host": "a.example"}, secure=True)
    assert secure["X-Page-Cache"] == "miss"
