"""The pages, Swagger UI and the admin in Chromium, which enforces the Content-Security-Policy: nothing is refused
(tests/security/test_csp.py checks the markup itself)."""

import pytest

pytestmark = [pytest.mark.browser]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def csp_page(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__violations") + [error for error in page.errors if "Content Security" in error]


def test_the_pages_run_under_the_policy_in_a_browser(csp_page, transactional_db, settings, curated_fixture_dir):
    from providers.sync.run import run_sync

    settings.CURATED_DATA_DIR = curated_fixture_dir
    assert run_sync("curated").status == "succeeded"
    page = csp_page
    page.goto("/models/openai/gpt-4o-mini/")
    page.wait_for_selector("canvas")
    assert page.evaluate("typeof window.Chart") == "function"
    page.goto("/benchmarks/mmlu/")
    page.goto("/calculator/")
    page.goto("/models/")
    # htmx ran (it swaps the results in place on input): the policy let the vendored script run.
    assert page.evaluate("typeof window.htmx") == "object"
    assert violations(page) == []


def test_swagger_ui_and_the_admin_run_under_the_policy(csp_page, live_server, django_user_model):
    django_user_model.objects.create_superuser("curator", "curator@example.com", "a-long-test-password")
    page = csp_page
    page.goto("/api/v1/docs/")
    # Swagger UI's init script (a file) ran: it fetched the schema and drew an operation per endpoint.
    page.wait_for_selector(".opblock", timeout=30_000)
    assert violations(page) == []
    page.goto("/admin/login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto("/admin/django_celery_beat/periodictask/add/")
    # The crontab field's reading in words, our file in place of django-celery-beat's inline script: it hides
    # the raw translation row.
    assert page.locator(".field-crontab_translation").is_hidden()
    page.goto("/admin/catalog/languagemodel/")
    assert violations(page) == []
