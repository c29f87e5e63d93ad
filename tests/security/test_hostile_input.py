"""Text from a source is hostile until proven otherwise.

One set of hostile payloads goes in through real syncs (the curated TOML files, OpenRouter's API and models.dev's
api.json, served on 127.0.0.1): script tags, attribute breakouts, `</script>` (to break out of json_script and the
JSON-LD block), `javascript:` / `data:` URLs, Django template syntax, `]]>`, control, bidi-override and zero-width
characters, newlines, and 10,000-character names and ids. Then every page, the admin (as a superuser), the feeds,
the sitemap, the JSON-LD and the API are read, and each response is parsed, not grepped:

- HTML: no <script> but the site's own (a file under STATIC_URL, or the JSON data blocks json_script and the JSON-LD
  filter write, which must parse as JSON); no on* attribute; no href/src/action with a javascript:, data: or
  vbscript: scheme; the hostile text is on the page as text (so it was escaped, not dropped); template syntax is
  shown literally, never evaluated.
- Feeds: well-formed XML; the HTML a reader renders from them (RSS descriptions and titles, Atom summaries) passes
  the same HTML checks.
- JSON (API, export, JSON-LD): parses, round-trips the hostile text as data; the JSON-LD holds no `</script`.
- CSV export: no cell a spreadsheet would run as a formula.
- The syncs survive it all on PostgreSQL as on SQLite: over-long or control-character text is cut or cleaned,
  non-http(s) URLs are dropped with a rejection, ids that cannot be slugs go to the unmatched queue; nothing crashes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from benchmarks.models import Benchmark
from catalog.models import Lab, LanguageModel
from providers.models import Disagreement, HeldChange, Offering, Provider, SyncRun, UnmatchedId
from providers.sync.run import run_sync
from tests.conftest import FIXTURES
from tests.payload_server import PayloadServer, Reply

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '"><img src=x onerror=alert(1)>'
SCRIPT_BREAKOUT = "</script><script>alert(2)</script>"
TEMPLATE = "{{ 7*7 }}{% debug %}"
CDATA_END = "]]>"
BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: makes "exe.txt" read "txt.exe"
ZERO_WIDTH = "\u200b"
# Every hostile fragment in one display name (well under the 200-character columns).
HOSTILE = f"Evil {SCRIPT}{ATTRIBUTE_BREAKOUT}{SCRIPT_BREAKOUT}{TEMPLATE}{CDATA_END}"
HOSTILE_MARKDOWN = (
    f"Fine print {SCRIPT}\n\n"
    "[click me](javascript:alert(1)) and [me too](JaVaScRiPt:alert(1)) "
    "and [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n\n"
    f'<a href="javascript:alert(1)" onclick="alert(1)">raw link</a> {ATTRIBUTE_BREAKOUT}\n\n'
    f"{SCRIPT_BREAKOUT} {TEMPLATE} {CDATA_END} <iframe src=javascript:alert(1)></iframe>"
    "<svg onload=alert(1)></svg><style>body{display:none}</style>"
)
LONG = "L" * 10_000
CSV_FORMULA = '=HYPERLINK("https://evil.example","click")'
JS_URL = "javascript:alert(1)"
MIXED_CASE_JS_URL = "JaVaScRiPt:alert(1)"
DATA_URL = "data:text/html,<script>alert(1)</script>"

EVIL = "hostile/evil-model"  # curated, then described again by OpenRouter and models.dev
CREATED = "hostile/created-by-feed"  # created by OpenRouter, with every hostile text a feed may carry
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "srcset", "poster", "xlink:href", "hx-get", "hx-post")


# --- the hostile sources ---------------------------------------------------------------------------------------


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML escapes for these characters)."""
    return json.dumps(text, ensure_ascii=True)


def write_curated(root: Path) -> Path:
    """The fixture catalog plus a hostile lab, provider, benchmark and model, and entries with bad URLs."""
    shutil.copytree(FIXTURES / "curated", root, dirs_exist_ok=True)
    with (root / "labs.toml").open("a") as labs:
        labs.write(
            f'\n[[lab]]\nslug = "hostile"\nname = {toml_string(HOSTILE)}\n'
            f'website_url = "https://example.com/?q=%22%3E%3Cscript%3E"\n'
            f"description = {toml_string(HOSTILE_MARKDOWN)}\n"
            f'\n[[lab]]\nslug = "js-lab"\nname = "JS lab"\nwebsite_url = {toml_string(JS_URL)}\n'
        )
    with (root / "providers.toml").open("a") as providers:
        providers.write(
            f'\n[[provider]]\nslug = "hostile-host"\nname = {toml_string(HOSTILE)}\nkind = "inference_host"\n'
            f'website_url = "https://example.com/a?b=1&c=%3Cscript%3E"\n'
            f"description = {toml_string(HOSTILE_MARKDOWN)}\n"
            f'\n[[provider]]\nslug = "js-host"\nname = "JS host"\nkind = "inference_host"\n'
            f"docs_url = {toml_string(MIXED_CASE_JS_URL)}\n"
        )
    with (root / "benchmarks.toml").open("a") as benchmarks:
        benchmarks.write(
            f'\n[[benchmark]]\nslug = "hostile-bench"\nname = {toml_string(HOSTILE)}\ncategory = "coding"\n'
            f'metric = "accuracy"\nscale = "percent"\nurl = "https://example.com/bench"\n'
            f"description = {toml_string(HOSTILE)}\n"
            f'\n[[benchmark]]\nslug = "data-bench"\nname = "Data bench"\ncategory = "coding"\n'
            f'metric = "accuracy"\nscale = "percent"\nurl = {toml_string(DATA_URL)}\n'
        )
    (root / "models" / "hostile.toml").write_text(
        f"""lab = "hostile"

[[model]]
slug = "evil-model"
name = {toml_string(HOSTILE)}
family = {toml_string(SCRIPT)}
description = {toml_string(HOSTILE_MARKDOWN)}
license = {toml_string(ATTRIBUTE_BREAKOUT)}
architecture = {toml_string(SCRIPT_BREAKOUT)}
context_window = 128000
max_output_tokens = 16384
knowledge_cutoff = "2023-10"
input_modalities = ["text"]
output_modalities = ["text"]
facts_source_url = "https://example.com/facts?x=%22%3E"

[model.aliases]
openrouter = ["hostile/evil-model"]
modelsdev = ["hostile/evil-model"]

[[model.route]]
provider = "hostile-host"
provider_model_id = {toml_string(CSV_FORMULA)}
source_name = {toml_string(HOSTILE)}
source_url = "https://example.com/prices"
verified_at = 2026-08-01
prices = [
  {{ component = "input", unit = "per_1m_tokens", usd = "1", published = {toml_string(SCRIPT)} }},
  {{ component = "output", unit = "per_1m_tokens", usd = "2", published = {toml_string(CSV_FORMULA)} }},
]

[[model.score]]
benchmark = "hostile-bench"
value = "42.5"
version = {toml_string(HOSTILE)}
source_url = "https://example.com/score"
self_reported = true

[[model]]
slug = "js-facts"
name = "JS facts"
input_modalities = ["text"]
output_modalities = ["text"]
facts_source_url = {toml_string(JS_URL)}
"""
    )
    return root


def openrouter_model(model_id: str, name: str, *, prompt: str = "0.000001", description: str = "") -> dict:
    return {
        "id": model_id,
        "name": name,
        "description": description,
        "context_length": 100000,
        "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
        "pricing": {"prompt": prompt, "completion": "0.000002"},
        "top_provider": {"context_length": 100000, "max_completion_tokens": 4096},
        "supported_parameters": ["tools"],
    }


def openrouter_models(*, created_prompt: str) -> dict:
    control = "Bell\x07 NUL\x00 Escape\x1b"
    return {
        "data": [
            # Known through its curated alias: OpenRouter's other cutoff for it becomes a disagreement (its context
            # length is OpenRouter's route limit, never disputed with the model's own).
            {
                **openrouter_model(EVIL, f"Hostile Lab: {SCRIPT} other name", description=HOSTILE_MARKDOWN),
                "knowledge_cutoff": "2025-06-30",
            },
            # A new model: every text a feed may carry, a 10,000-character name, line breaks (feed and header
            # injection), control characters (invalid in XML 1.0, refused by PostgreSQL), bidi and zero-width.
            openrouter_model(
                CREATED,
                f"Hostile: {HOSTILE} {BIDI}txt.exe{ZERO_WIDTH}\r\nX-Injected: 1\n{control} {LONG}",
                prompt=created_prompt,
                description=f"{HOSTILE_MARKDOWN}\n{control}",
            ),
            # Ids that cannot be canonical slugs: the curators' queue, never a page.
            openrouter_model(f"hostile/{ATTRIBUTE_BREAKOUT}", f"Id breakout {SCRIPT}"),
            openrouter_model("hostile/" + "x" * 10_000, f"Long id {SCRIPT}"),
            openrouter_model(f"{SCRIPT}/model", f"Namespace {SCRIPT}"),
            openrouter_model(f"{'n' * 100}/model", "Long namespace"),
            {**openrouter_model("hostile/nul\x00id", "NUL in the id"), "pricing": {"prompt": "0", "evil\x00key": "1"}},
        ]
    }


def openrouter_endpoints() -> dict:
    def endpoint(tag: str, provider_name: str, quantization: str | None = None) -> dict:
        return {
            "provider_name": provider_name,
            "tag": tag,
            "quantization": quantization,
            "context_length": 100000,
            "max_completion_tokens": 4096,
            "pricing": {"prompt": "0.000001", "completion": "0.000002"},
        }

    return {
        "data": {
            "id": CREATED,
            "endpoints": [
                endpoint("evil-host", f"Evil host {HOSTILE}", CSV_FORMULA),
                endpoint("long-host", f"Long host {LONG}", "q" * 100),
                endpoint("<>", f"Unsluggable {SCRIPT}"),
            ],
        }
    }


def modelsdev_catalog() -> dict:
    return {
        "evil-dev": {
            "id": "evil-dev",
            "name": f"Evil dev {HOSTILE}",
            "npm": "@ai-sdk/openai-compatible",
            "doc": JS_URL,
            "api": DATA_URL,
            "models": {
                EVIL: {
                    "id": EVIL,
                    "name": f"models.dev name {SCRIPT}",
                    "family": f"{SCRIPT_BREAKOUT}",
                    "modalities": {"input": ["text"], "output": ["text"]},
                    "limit": {"context": 100000, "output": 4096},
                    "cost": {"input": 1.5, "output": 2.5},
                },
            },
        },
        "evil-url-dev": {
            "id": "evil-url-dev",
            "name": "Mixed-case scheme",
            "doc": MIXED_CASE_JS_URL,
            "models": {
                CREATED: {
                    "id": CREATED,
                    "name": "created, again",
                    "modalities": {"input": ["text"], "output": ["text"]},
                    "cost": {"input": 1, "output": 2},
                }
            },
        },
    }


@dataclass
class HostileCatalog:
    runs: dict[str, SyncRun] = field(default_factory=dict)
    admin: Any = None


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[HostileCatalog]:
    """The hostile catalog, synced once for the module inside a transaction rolled back at the end (each test
    runs in its own savepoint inside it, so nothing leaks to other modules)."""
    curated = write_curated(tmp_path_factory.mktemp("hostile-curated"))
    catalog = HostileCatalog()
    with django_db_blocker.unblock(), PayloadServer() as server, transaction.atomic():
        server.add(
            "/api/v1/models",
            openrouter_models(created_prompt="0.000001"),
            # The second run says the created model's price is 50x: a change held for a curator.
            openrouter_models(created_prompt="0.00005"),
        )
        server.add(f"/api/v1/models/{CREATED}/endpoints", openrouter_endpoints())
        server.add(f"/api/v1/models/{EVIL}/endpoints", Reply(status=404, body={"error": "none"}))
        server.add("/modelsdev/api.json", modelsdev_catalog())
        with override_settings(
            CURATED_DATA_DIR=curated,
            OPENROUTER_API_URL=f"{server.url}/api/v1",
            OPENROUTER_API_KEY="",
            MODELSDEV_API_URL=f"{server.url}/modelsdev/api.json",
        ):
            for name in ("curated", "openrouter", "modelsdev"):
                catalog.runs[name] = run_sync(name)
            catalog.runs["openrouter-again"] = run_sync("openrouter")
        catalog.admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
        yield catalog
        transaction.set_rollback(True)


# --- what "inert" means, per format -----------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects what a browser would run or follow: script elements, event-handler attributes, URL attributes,
    and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, Any]] = []
        self.handlers: list[tuple[str, str, str]] = []
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._script: dict[str, Any] | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        for name, value in values.items():
            if name.startswith("on"):
                self.handlers.append((tag, name, value))
            if name in URL_ATTRIBUTES:
                self.urls.append((tag, name, value))
        if tag == "script":
            self._script = {"attrs": values, "body": ""}
            self.scripts.append(self._script)
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        elif self._script is not None:
            self._script["body"] += data
        else:
            self.text.append(data)


def dangerous_scheme(url: str) -> bool:
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    return squeezed.startswith(DANGEROUS_SCHEMES)


def assert_inert_html(html: str, where: str) -> PageParser:
    page = PageParser()
    page.feed(html)
    page.close()
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
    for script in page.scripts:
        attrs, body = script["attrs"], script["body"]
        kind = attrs.get("type", "")
        if attrs.get("src"):
            own = attrs["src"].startswith((static, "/admin/jsi18n/"))
            assert own, f"{where}: foreign script {attrs}"
            assert not body.strip(), f"{where}: a script with a src and a body {attrs}"
        else:
            assert kind in ("application/json", "application/ld+json"), f"{where}: inline script {body[:200]!r}"
            json.loads(body)  # a data block someone broke out of would not parse
    assert not page.handlers, f"{where}: event handler attributes {page.handlers[:3]}"
    bad = [(tag, name, value) for tag, name, value in page.urls if dangerous_scheme(value)]
    assert not bad, f"{where}: dangerous URLs {bad[:3]}"
    assert "display:none}" not in "".join(page.styles), f"{where}: a <style> from a source"
    for tag, attrs in page.tags:
        assert tag not in ("iframe", "object", "embed", "base"), f"{where}: <{tag}> from a source"
        assert not (tag == "img" and attrs.get("src") == "x"), f"{where}: injected <img>"
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            raise AssertionError(f"{where}: meta refresh")
    return page


def page_text(page: PageParser) -> str:
    return "".join(page.text)


def assert_shown_literally(page: PageParser, where: str) -> None:
    """The hostile name is on the page as text: escaped, neither dropped nor turned into markup or evaluated."""
    text = page_text(page)
    assert SCRIPT in text, f"{where}: the hostile text is not shown as text"
    attributes = "".join(value for _, attrs in page.tags for value in attrs.values())
    assert TEMPLATE in text or TEMPLATE in attributes, f"{where}: template syntax not shown as written"


# --- the syncs --------------------------------------------------------------------------------------------------


pytestmark = pytest.mark.django_db


def test_every_sync_survives_the_payloads(hostile):
    for name, run in hostile.runs.items():
        assert run.status == SyncRun.Status.SUCCEEDED, f"{name}: {run.error}"


def test_non_http_urls_are_rejected_with_a_reason(hostile):
    curated = {(r["field"], r["message"]) for r in hostile.runs["curated"].rejections}
    for field_name, url in (
        ("website_url", JS_URL),
        ("docs_url", MIXED_CASE_JS_URL),
        ("url", DATA_URL),
        ("facts_source_url", JS_URL),
    ):
        assert (field_name, f"{url!r} is not an http(s) URL") in curated
    assert not Lab.objects.filter(slug="js-lab").exists()
    modelsdev = {(r["entry"], r["field"]) for r in hostile.runs["modelsdev"].rejections}
    assert {("evil-dev", "doc"), ("evil-dev", "api"), ("evil-url-dev", "doc")} <= modelsdev
    evil_dev = Provider.objects.get(slug="evil-dev")
    assert (evil_dev.website_url, evil_dev.docs_url, evil_dev.api_base_url) == ("", "", "")
    for model, fields in (
        (Lab, ("website_url",)),
        (Provider, ("website_url", "docs_url", "pricing_url", "api_base_url")),
        (Benchmark, ("url",)),
        (LanguageModel, ("facts_source_url",)),
    ):
        for row in model.objects.all():
            for name in fields:
                value = getattr(row, name)
                assert not value or value.startswith(("http://", "https://")), (row, name, value)


def test_over_long_text_is_cut_and_control_characters_removed(hostile):
    created = LanguageModel.objects.get(slug=CREATED)
    assert len(created.name) <= 200
    assert created.name.startswith(HOSTILE)
    for bad in ("\x00", "\x07", "\x1b", "\r", "\n", BIDI, ZERO_WIDTH):
        assert bad not in created.name
        assert bad not in created.description or bad == "\n"
    assert "X-Injected: 1" in created.name  # the text is kept, on one line
    long_host = Provider.objects.get(slug="long-host")
    assert len(long_host.name) <= 200
    assert Offering.objects.filter(provider__slug="long-host").count() == 0  # a 100-character quantization
    assert any(r["field"] == "quantization" for r in hostile.runs["openrouter"].rejections)


def test_ids_that_cannot_be_slugs_go_to_the_unmatched_queue(hostile):
    unmatched = set(UnmatchedId.objects.filter(source="openrouter").values_list("external_id", flat=True))
    assert f"hostile/{ATTRIBUTE_BREAKOUT}" in unmatched
    assert f"{SCRIPT}/model" in unmatched
    assert ("hostile/" + "x" * 10_000)[:255] in unmatched
    assert f"{'n' * 100}/model" in unmatched
    assert "hostile/nul id" in unmatched  # shown to a curator without the NUL PostgreSQL refuses
    assert all(
        re.fullmatch(r"[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*", slug)
        for slug in LanguageModel.objects.values_list("slug", flat=True)
    )
    assert all(
        re.fullmatch(r"[a-z0-9][a-z0-9._-]*", slug)
        for model in (Lab, Provider)
        for slug in model.objects.values_list("slug", flat=True)
    )


def test_the_review_queues_hold_hostile_text(hostile):
    assert Disagreement.objects.filter(model__slug=EVIL).exists()
    assert HeldChange.objects.filter(offering__model__slug=CREATED).exists()


# --- pages ------------------------------------------------------------------------------------------------------


def public_pages() -> list[tuple[str, str, dict[str, str], bool]]:
    """(label, url, extra headers, shows the hostile name as text); every page answers 200 but those named."""
    evil_url = f"/models/{EVIL}/"
    return [
        ("home", "/", {}, True),
        ("browse", "/models/", {}, True),
        ("browse, htmx", "/models/", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}, True),
        ("browse, searched", f"/models/?q={SCRIPT}", {}, False),
        ("model page", evil_url, {}, True),
        ("created model page", f"/models/{CREATED}/", {}, True),
        ("providers", "/providers/", {}, True),
        ("provider page", "/providers/hostile-host/", {}, True),
        ("feed-made provider page", "/providers/evil-host/", {}, True),
        ("labs", "/labs/", {}, True),
        ("lab page", "/labs/hostile/", {}, True),
        ("compare", f"/compare/?models={EVIL},{CREATED}", {}, True),
        ("compare, htmx", f"/compare/?models={EVIL},{CREATED}", {"HTTP_HX_REQUEST": "true"}, True),
        ("compare, added", f"/compare/?models={EVIL}&add={SCRIPT}", {"HTTP_HX_REQUEST": "true"}, False),
        ("calculator", "/calculator/", {}, True),
        ("benchmarks", "/benchmarks/", {}, True),
        ("leaderboard", "/benchmarks/hostile-bench/", {}, True),
        ("changes", "/changes/", {}, True),
        ("changes, filtered", "/changes/?provider=hostile-host", {}, False),
        ("not found", f"/models/hostile/{SCRIPT}/", {}, False),
    ]


@pytest.mark.parametrize(("label", "url", "headers", "shows_name"), public_pages(), ids=[p[0] for p in public_pages()])
def test_pages_keep_it_inert(hostile, client, label, url, headers, shows_name):
    response = client.get(url, **headers)
    assert response.status_code == {"not found": 404, "compare, added": 400}.get(label, 200), label
    page = assert_inert_html(response.content.decode(), label)
    if shows_name:
        assert_shown_literally(page, label)
    assert BIDI not in response.content.decode()


def test_the_model_page_shows_the_description_sanitized(hostile, client):
    page = assert_inert_html(client.get(f"/models/{EVIL}/").content.decode(), "model page")
    links = [attrs.get("href", "") for tag, attrs in page.tags if tag == "a"]
    assert "raw link" in page_text(page)
    assert "click me" in page_text(page)
    assert not any(dangerous_scheme(href) for href in links)
    assert "https://example.com/facts?x=%22%3E" in links


def test_the_json_ld_cannot_be_broken_out_of(hostile, client):
    html = client.get(f"/models/{EVIL}/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    assert len(blocks) == 1
    [block] = blocks
    assert "</script" not in block.lower()
    assert "<script" not in block.lower()
    document = json.loads(block)
    assert SCRIPT in json.dumps(document, ensure_ascii=False)  # the name survives, as data
    for data in re.findall(r'<script id="[^"]+" type="application/json">(.*?)</script>', html, flags=re.S):
        assert "<" not in data
        json.loads(data)


def test_the_leaderboard_chart_data_cannot_be_broken_out_of(hostile, client):
    html = client.get("/benchmarks/hostile-bench/").content.decode()
    [data] = re.findall(r'<script id="scatter-data" type="application/json">(.*?)</script>', html, flags=re.S)
    assert "<" not in data
    assert SCRIPT in json.dumps(json.loads(data), ensure_ascii=False)


# --- feeds and the sitemap ---------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("url", ["/changes/feed.rss", "/changes/feed.atom", "/changes/feed.rss?provider=hostile-host"])
def test_feeds_are_well_formed_and_their_html_inert(hostile, client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own response; raises if not well-formed
    assert not [element for element in root.iter() if element.tag.rsplit("}", 1)[-1] in ("script", "img")]
    if url.endswith(".atom"):
        titles = [e.text or "" for e in root.iter(f"{ATOM}title")]
        html_parts = [e.text or "" for e in root.iter(f"{ATOM}summary")]
        assert all(e.get("type") == "html" for e in root.iter(f"{ATOM}summary"))
        assert any(SCRIPT in title for title in titles)  # Atom titles are text: shown as written
    else:
        # RSS readers render titles and descriptions as HTML: both must be escaped HTML.
        titles = [e.text or "" for e in root.iter("title")]
        html_parts = [e.text or "" for e in root.iter("description")] + titles
    assert html_parts
    rendered = [assert_inert_html(part, f"{url} entry") for part in html_parts]
    assert any(SCRIPT in page_text(page) for page in rendered)
    assert any(CDATA_END in page_text(page) for page in rendered)


def test_the_sitemap_is_well_formed(hostile, client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    locations = [e.text or "" for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(f"/models/{EVIL}/" in location for location in locations)
    assert all(location.startswith("http") and "<" not in location for location in locations)


# --- the admin --------------------------------------------------------------------------------------------------


def admin_pages() -> list[tuple[str, Any]]:
    def change(admin_name: str, get_pk: Any) -> Any:
        return lambda: reverse(f"admin:{admin_name}_change", args=[get_pk()])

    def changelist(admin_name: str, query: str = "") -> Any:
        return lambda: reverse(f"admin:{admin_name}_changelist") + query

    return [
        ("index", lambda: reverse("admin:index")),
        ("models", changelist("catalog_languagemodel")),
        ("models, searched", changelist("catalog_languagemodel", f"?q={SCRIPT}")),
        ("model", change("catalog_languagemodel", lambda: LanguageModel.objects.get(slug=EVIL).pk)),
        ("created model", change("catalog_languagemodel", lambda: LanguageModel.objects.get(slug=CREATED).pk)),
        (
            "model history",
            lambda: reverse("admin:catalog_languagemodel_history", args=[LanguageModel.objects.get(slug=EVIL).pk]),
        ),
        ("labs", changelist("catalog_lab")),
        ("lab", change("catalog_lab", lambda: Lab.objects.get(slug="hostile").pk)),
        ("providers", changelist("providers_provider")),
        ("provider", change("providers_provider", lambda: Provider.objects.get(slug="hostile-host").pk)),
        ("feed-made provider", change("providers_provider", lambda: Provider.objects.get(slug="evil-host").pk)),
        ("offerings", changelist("providers_offering")),
        (
            "offering",
            change(
                "providers_offering", lambda: Offering.objects.get(model__slug=EVIL, provider__slug="hostile-host").pk
            ),
        ),
        ("prices", changelist("providers_price")),
        ("benchmarks", changelist("benchmarks_benchmark")),
        ("benchmark", change("benchmarks_benchmark", lambda: Benchmark.objects.get(slug="hostile-bench").pk)),
        ("scores", changelist("benchmarks_benchmarkscore")),
        ("unmatched ids", changelist("providers_unmatchedid")),
        (
            "unmatched id",
            change("providers_unmatchedid", lambda: UnmatchedId.objects.get(external_id=f"{SCRIPT}/model").pk),
        ),
        ("disagreements", changelist("providers_disagreement")),
        ("disagreement", change("providers_disagreement", lambda: Disagreement.objects.filter(model__slug=EVIL)[0].pk)),
        ("held changes", changelist("providers_heldchange")),
        ("held change", change("providers_heldchange", lambda: HeldChange.objects.all()[0].pk)),
        ("sync runs", changelist("providers_syncrun")),
        ("sync run", change("providers_syncrun", lambda: SyncRun.objects.get(source="openrouter", created__gt=0).pk)),
        ("curated sync run", change("providers_syncrun", lambda: SyncRun.objects.get(source="curated").pk)),
        ("change events", changelist("providers_changeevent")),
    ]


@pytest.mark.parametrize(("label", "url"), admin_pages(), ids=[p[0] for p in admin_pages()])
def test_the_admin_keeps_it_inert(hostile, client, label, url):
    client.force_login(hostile.admin)
    response = client.get(url())
    assert response.status_code == 200, label
    assert_inert_html(response.content.decode(), f"admin {label}")


# --- the API and the exports -------------------------------------------------------------------------------------


def api_pages() -> list[tuple[str, str]]:
    return [
        ("models", "/api/v1/models/"),
        ("models, searched", f"/api/v1/models/?q={SCRIPT}"),
        ("model", f"/api/v1/models/{EVIL}/"),
        ("created model", f"/api/v1/models/{CREATED}/"),
        ("prices", f"/api/v1/models/{EVIL}/prices/"),
        ("price history", f"/api/v1/models/{CREATED}/price-history/"),
        ("labs", "/api/v1/labs/"),
        ("lab", "/api/v1/labs/hostile/"),
        ("providers", "/api/v1/providers/"),
        ("provider", "/api/v1/providers/hostile-host/"),
        ("changes", "/api/v1/changes/"),
        ("compare", f"/api/v1/compare/?models={EVIL},{CREATED}"),
        ("benchmarks", "/api/v1/benchmarks/"),
        ("scores", "/api/v1/benchmarks/hostile-bench/scores/"),
        ("export", "/api/v1/export/"),
    ]


@pytest.mark.parametrize(("label", "url"), api_pages(), ids=[p[0] for p in api_pages()])
def test_the_api_returns_hostile_text_as_json_data(hostile, client, label, url):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, label
    assert response["Content-Type"].startswith("application/json")
    assert response.get("X-Content-Type-Options", "nosniff") == "nosniff"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    document = json.loads(body)
    flat = json.dumps(document, ensure_ascii=False)
    if label not in ("models, searched", "benchmarks", "price history"):
        assert SCRIPT in flat, label


def test_the_browsable_api_keeps_it_inert(hostile, client):
    response = client.get(f"/api/v1/models/{EVIL}/", HTTP_ACCEPT="text/html")
    if response["Content-Type"].startswith("text/html"):
        assert_inert_html(response.content.decode(), "browsable API")


def test_the_csv_export_holds_no_formula(hostile, client):
    response = client.get("/api/v1/export/?format=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # The id is kept, only made inert: a leading apostrophe is what spreadsheets take as "text".
    assert f"'{CSV_FORMULA}" in cells


# --- focused tests of the fixes ----------------------------------------------------------------------------------


def test_links_in_a_payload_never_send_a_request_off_the_configured_api(payload_server, settings):
    """OpenRouter's `links.details` and `links.next` are the source's text: followed only on its own host."""
    with PayloadServer() as elsewhere:
        elsewhere.add("/steal", {"data": []})
        mini = openrouter_model("hostile/linked", "Linked")
        mini["links"] = {"details": f"{elsewhere.url}/steal"}
        payload_server.add("/api/v1/models", {"data": [mini], "links": {"next": f"{elsewhere.url}/steal"}})
        settings.OPENROUTER_API_URL = f"{payload_server.url}/api/v1"
        settings.OPENROUTER_API_KEY = ""
        run = run_sync("openrouter")
        assert run.status == SyncRun.Status.FAILED
        assert "leaves" in run.error
        payload_server.add("/api/v1/models", {"data": [mini]})
        run = run_sync("openrouter")
        assert run.status == SyncRun.Status.SUCCEEDED, run.error
        assert elsewhere.requests == []
        assert payload_server.hits("/api/v1/models/hostile/linked/endpoints") == 1  # the default path instead


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("javascript:alert(1)", ""),
        (" JaVaScRiPt:alert(1)", ""),
        ("data:text/html,x", ""),
        ("/relative", ""),
        (None, ""),
    ],
)
def test_templates_link_only_http_urls(url, shown):
    from catalog.templatetags.catalog_tags import http_url

    assert http_url(url) == shown


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (CSV_FORMULA, f"'{CSV_FORMULA}"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@cf/meta/llama", "'@cf/meta/llama"),
        ("\t=1", "'\t=1"),
        ("openai/gpt-4o-mini", "openai/gpt-4o-mini"),
        (0, 0),
        ("", ""),
    ],
)
def test_csv_cells_a_spreadsheet_would_evaluate_are_written_as_text(cell, written):
    from catalog.pages.export import inert_cell

    assert inert_cell(cell) == written
