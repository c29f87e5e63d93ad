"""Nothing the site serves needs what its Content-Security-Policy refuses: no inline script (JSON data blocks
aside), no <style> element, no style attribute, no on* handler, no javascript: URL. Checked in the templates, in
every rendered page and admin screen; tests/browser/test_csp.py runs them in Chromium, which enforces it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.security.conftest import ROOT

DATA_BLOCKS = {"application/json", "application/ld+json"}
# Third-party markup the policy blocks harmlessly: simple_history's paginator on an object's history page sets
# `style="border-top: 0"`; refused, the paginator keeps its top border. Nothing else is allowed.
TOLERATED = {'style="border-top: 0"'}


class InlineCode(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and "src" not in values and (values.get("type") or "").lower() not in DATA_BLOCKS:
            self.found.append(f"inline <script> {self.getpos()}")
        if tag == "style":
            self.found.append(f"<style> element {self.getpos()}")
        for name, value in attrs:
            if name == "style" and f'style="{value}"' not in TOLERATED:
                self.found.append(f'style="{value}" on <{tag}>')
            if name.startswith("on"):
                self.found.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_checker_finds_what_the_policy_refuses():
    html = (
        '<script>alert(1)</script><script src="/static/x.js"></script><script type="application/ld+json">{}</script>'
        '<style>p{}</style><p style="color: red" onclick="x()"><a href="javascript:x()">x</a></p>'
    )
    assert len(inline_code(html)) == 5


def test_no_template_has_inline_code():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        # Template tags could hide an attribute from the parser: look at the source as text too.
        source = path.read_text()
        assert inline_code(source) == [], path
        assert not re.search(r"\son[a-z]+\s*=", source), path


SITE_PAGES = [
    "/",
    "/models/",
    "/models/?q=gpt&sort=input",
    "/models/?sort=nonsense",
    "/models/openai/gpt-4o-mini/",
    "/providers/",
    "/providers/openai/",
    "/labs/",
    "/labs/openai/",
    "/compare/?models=openai/gpt-4o-mini,anthropic/claude-sonnet-4-5",
    "/calculator/",
    "/benchmarks/",
    "/benchmarks/mmlu/",
    "/changes/",
    "/no-such-page/",
    "/api/v1/docs/",
    "/admin/login/",
]


@pytest.mark.parametrize("url", SITE_PAGES)
def test_no_page_has_inline_code(client, load_fixture_catalog, url):
    load_fixture_catalog()
    response = client.get(url)
    assert response.status_code in (200, 400, 404)
    assert inline_code(response.content.decode()) == [], url


def _admin_screens() -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(_Superuser()):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


class _Superuser:
    """Enough of a request for has_add_permission."""

    class user:  # noqa: N801 - stands in for request.user
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm: str, obj: object = None) -> bool:
            return True


def test_no_admin_screen_has_inline_code(admin_client, load_fixture_catalog):
    load_fixture_catalog()
    from catalog.models import LanguageModel

    model = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    screens = [
        *_admin_screens(),
        reverse("admin:catalog_languagemodel_change", args=[model.pk]),
        reverse("admin:catalog_languagemodel_history", args=[model.pk]),
    ]
    assert len(screens) > 20
    for url in screens:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url
