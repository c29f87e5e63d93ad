"""A source's first load is one change-feed entry ("3 models and 4 routes added from the curated files"); price
moves say old → new and their change in percent: on the page, in the feeds and in the API."""

import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from providers.models import ChangeEvent

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def grouped(settings, load_fixture_catalog):
    settings.CHANGE_GROUP_MIN = 5  # the fixture catalog adds 3 models and 4 routes
    return load_fixture_catalog()


def test_a_first_load_is_one_entry_that_opens_onto_its_rows(client, grouped):
    bulk = ChangeEvent.objects.get(kind=ChangeEvent.Kind.BULK_ADDED)
    assert bulk.summary == "3 models and 4 routes added from the curated files"
    assert bulk.sync_run_id == grouped.pk
    page = client.get("/changes/")
    assert [e.summary for e in page.context["page"].object_list] == [bulk.summary]
    assert f'href="/changes/?run={grouped.pk}"' in page.content.decode()
    rows = client.get("/changes/", {"run": grouped.pk}).context["page"].object_list
    assert sorted(e.kind for e in rows) == ["model_added"] * 3 + ["offering_added"] * 4


def test_a_small_run_is_listed_row_by_row(client, load_fixture_catalog):
    load_fixture_catalog()  # 7 additions, under the default threshold of 10
    assert not ChangeEvent.objects.filter(kind=ChangeEvent.Kind.BULK_ADDED).exists()
    assert len(client.get("/changes/").context["page"].object_list) == 7


def test_the_new_models_topic_keeps_the_entry_and_a_lab_filter_lists_rows(client, grouped):
    topic = client.get("/changes/", {"kind": "model_added"}).context["page"].object_list
    assert [e.kind for e in topic] == ["bulk_added"]
    by_lab = client.get("/changes/", {"lab": "openai"}).context["page"].object_list
    assert "bulk_added" not in {e.kind for e in by_lab}
    assert "model_added" in {e.kind for e in by_lab}


def test_the_feeds_group_the_same_way(client, grouped):
    feed = ET.fromstring(client.get("/changes/feed.atom").content)  # noqa: S314 - our own response
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["3 models and 4 routes added from the curated files"]
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://testserver/changes/?run={grouped.pk}"


def test_the_api_groups_the_same_way_unless_asked_for_a_kind(grouped):
    api = APIClient()
    body = api.get("/api/v1/changes/").json()
    results = body["results"] if isinstance(body, dict) else body
    kinds = [r["kind"] for r in results]
    assert kinds.count("bulk_added") == 1
    assert not {"model_added", "offering_added", "price_added"} & set(kinds)  # the entry stands for them
    rows = api.get("/api/v1/changes/", {"kind": "model_added"}).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert len(rows) == 3


def test_a_price_move_says_its_change_in_percent(client, grouped, curated_fixture_dir, tmp_path, load_fixture_catalog):
    changed = tmp_path / "curated"
    shutil.copytree(curated_fixture_dir, changed)
    openai = changed / "models" / "openai.toml"
    openai.write_text(openai.read_text().replace('usd = "0.165" }', 'usd = "0.0825" }'))
    load_fixture_catalog(changed)
    move = ChangeEvent.objects.get(kind=ChangeEvent.Kind.PRICE_CHANGED)
    assert move.move_pct == Decimal("-50.0")
    assert move.move_text == "$0.165 → $0.0825 (−50.0%)"
    html = client.get("/changes/").content.decode()
    assert '<strong class="price-move">−50.0%</strong>' in html
    api = APIClient().get("/api/v1/changes/", {"kind": "price_changed"}).json()
    row = (api["results"] if isinstance(api, dict) else api)[0]
    assert (Decimal(row["old_usd"]), Decimal(row["new_usd"]), Decimal(row["change_pct"])) == (
        Decimal("0.165"),
        Decimal("0.0825"),
        Decimal("-50.0"),
    )


def test_percent_edge_cases():
    event = ChangeEvent(kind=ChangeEvent.Kind.PRICE_CHANGED, old_usd=Decimal(0), new_usd=Decimal(1))
    assert event.move_pct is None
    assert event.move_text == "$0 → $1"
    event = ChangeEvent(kind=ChangeEvent.Kind.PRICE_CHANGED, old_usd=Decimal("2.000000000"), new_usd=Decimal(3))
    assert event.pct_text == "+50.0%"
    assert ChangeEvent(kind=ChangeEvent.Kind.MODEL_ADDED).move_text == ""
