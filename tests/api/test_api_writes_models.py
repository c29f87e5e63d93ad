"""Curator writes to models through the API (staff tokens only): the same validation, locks and history as the admin,
and nothing changes for anyone else."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from catalog.models import LanguageModel
from providers.models import ChangeEvent
from tests.api.conftest import token_headers
from tests.problem import details

WRITE_REFUSED = "Writing needs the API token of a staff account with the permission for this change."

MINI = "/api/v1/models/openai/gpt-4o-mini/"


@pytest.fixture
def not_staff(db) -> dict[str, str]:
    return token_headers(get_user_model().objects.create_user("bob"))


def mini() -> LanguageModel:
    return LanguageModel.objects.get(slug="openai/gpt-4o-mini")


def snapshot() -> tuple:
    """What a refused write must leave alone."""
    return (
        list(LanguageModel.objects.order_by("slug").values_list("slug", "name", "context_window", "locked_fields")),
        ChangeEvent.objects.count(),
        LanguageModel.history.count(),
    )


# --- who may write -------------------------------------------------------------------------------------------------

WRITES = [
    ("post", "/api/v1/models/", {"lab": "openai", "slug": "gpt-5-nano", "name": "GPT-5 nano"}),
    ("patch", MINI, {"context_window": 131072}),
    ("post", f"{MINI}unlock/", {"fields": ["context_window"]}),
]


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_an_anonymous_write_is_a_401_and_changes_nothing(client, catalog, method, url, body):
    before = snapshot()
    response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert details(response) == {"detail": "Authentication credentials were not provided."}
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_a_write_without_a_staff_token_is_a_403_and_changes_nothing(client, catalog, not_staff, method, url, body):
    before = snapshot()
    response = getattr(client, method)(url, body, content_type="application/json", headers=not_staff)
    assert response.status_code == 403
    assert details(response) == {"detail": WRITE_REFUSED}
    assert snapshot() == before


def test_a_bad_token_is_a_401(client, catalog):
    response = client.patch(MINI, {"name": "x"}, content_type="application/json", headers={"Authorization": "Token x"})
    assert response.status_code == 401
    assert mini().name == "GPT-4o mini"


# --- edit ----------------------------------------------------------------------------------------------------------


def test_staff_edit_changes_the_facts_and_locks_them(client, catalog, staff_token, ana):
    response = client.patch(
        MINI,
        {"context_window": 131072, "capabilities": ["vision", "tool_calling"], "family": "GPT-4o"},
        content_type="application/json",
        headers=staff_token,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] == ["context_window", "capabilities"]  # the family was already GPT-4o
    assert (body["context_window"], body["capabilities"]) == (131072, ["tool_calling", "vision"])
    assert sorted(body["locked_fields"]) == ["capabilities", "context_window"]
    assert body["locked_fields"]["context_window"]["by"] == "ana"
    assert len(body["offerings"]) == 3  # the whole model, as the detail shows it
    assert len(body["scores"]) == 2
    model = mini()
    assert model.context_window == 131072
    assert sorted(model.locked_fields) == ["capabilities", "context_window"]
    assert model.field_sources["context_window"] == "curator"
    event = ChangeEvent.objects.get(kind="model_changed", field="context_window")
    assert (event.actor, event.old_value, event.new_value) == ("ana", "128000", "131072")


def test_an_edit_is_kept_in_history_with_its_author(client, catalog, staff_token, ana):
    client.patch(MINI, {"name": "GPT-4o mini (2024)"}, content_type="application/json", headers=staff_token)
    latest = mini().history.first()
    assert (latest.name, latest.history_user, latest.history_type) == ("GPT-4o mini (2024)", ana, "~")


def test_an_edit_can_clear_a_fact_and_set_a_successor(client, catalog, staff_token):
    response = client.patch(
        "/api/v1/models/openai/gpt-3.5-turbo/",
        {"context_window": None, "successor": None, "status": "retired", "retirement_date": "2025-09-01"},
        content_type="application/json",
        headers=staff_token,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["context_window"], body["successor"], body["status"]) == (None, None, "retired")
    assert sorted(body["changed"]) == ["context_window", "retirement_date", "status", "successor"]


def test_an_edit_that_changes_nothing_locks_nothing(client, catalog, staff_token):
    response = client.patch(MINI, {"context_window": 128000}, content_type="application/json", headers=staff_token)
    assert response.status_code == 200
    assert (response.json()["changed"], response.json()["locked_fields"]) == ([], {})


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        # the catalog's own rules (providers.validation), with curation's messages
        ({"max_output_tokens": 200000}, {"max_output_tokens": ["Max output cannot exceed the context window."]}),
        ({"knowledge_cutoff": "Oct 2023"}, {"knowledge_cutoff": ["Write the cutoff as YYYY-MM or YYYY-MM-DD."]}),
        ({"context_window": 0}, {"context_window": ["A context window is a positive number of tokens."]}),
        (
            {"deprecation_date": "2020-01-01"},
            {"deprecation_date": ["A model is deprecated on or after its release."]},
        ),
        ({"successor": "openai/gpt-4o-mini"}, {"successor": ["A model cannot be its own successor."]}),
        # types and vocabularies (the input serializer)
        ({"successor": "openai/gpt-9"}, {"successor": ["No model openai/gpt-9."]}),
        ({"context_window": "big"}, {"context_window": ["A valid integer is required."]}),
        ({"capabilities": ["vision", "telepathy"]}, {"capabilities": ['item 1: "telepathy" is not a valid choice.']}),
        ({"status": "gone"}, {"status": ['"gone" is not a valid choice.']}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"slug": "openai/gpt-4o"}, {"slug": ["This field cannot be set."]}),
        ({"parameters_b": "-1"}, {"parameters_b": ["Ensure this value is greater than or equal to 0.001."]}),
    ],
)
def test_a_bad_edit_is_a_400_naming_the_field_and_changes_nothing(client, catalog, staff_token, body, errors):
    before = snapshot()
    response = client.patch(MINI, body, content_type="application/json", headers=staff_token)
    assert response.status_code == 400
    assert details(response) == {"detail": f"Invalid value for: {', '.join(sorted(errors))}.", "errors": errors}
    assert snapshot() == before


def test_a_write_to_an_alias_is_a_404(client, catalog, staff_token):
    response = client.patch(
        "/api/v1/models/openai/gpt-4o-mini-2024-07-18/",
        {"context_window": 1000},
        content_type="application/json",
        headers=staff_token,
    )
    assert response.status_code == 404
    assert mini().context_window == 128000


# --- unlock --------------------------------------------------------------------------------------------------------


def test_unlocking_lifts_the_lock(client, catalog, staff_token):
    client.patch(
        MINI, {"context_window": 131072, "license": "MIT"}, content_type="application/json", headers=staff_token
    )
    response = client.post(
        f"{MINI}unlock/", {"fields": ["context_window", "name"]}, content_type="application/json", headers=staff_token
    )
    assert response.status_code == 200
    assert response.json() == {
        "model": "openai/gpt-4o-mini",
        "unlocked": ["context_window"],  # the name was not locked
        "locked_fields": {"license": mini().locked_fields["license"]},
    }
    assert mini().field_sources["context_window"] == "released"
    assert ChangeEvent.objects.filter(field="locked_fields", actor="ana").count() == 1


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"fields": []}, {"fields": ["This list may not be empty."]}),
        ({"fields": ["colour"]}, {"fields": ['item 0: "colour" is not a valid choice.']}),
        ({}, {"fields": ["This field is required."]}),
    ],
)
def test_a_bad_unlock_is_a_400(client, catalog, staff_token, body, errors):
    response = client.post(f"{MINI}unlock/", body, content_type="application/json", headers=staff_token)
    assert response.status_code == 400
    assert response.json()["errors"] == errors


# --- create --------------------------------------------------------------------------------------------------------


def test_staff_can_add_a_model_with_every_fact_locked(client, catalog, staff_token, ana):
    response = client.post(
        "/api/v1/models/",
        {
            "lab": "openai",
            "slug": "gpt-5-nano",
            "name": "GPT-5 nano",
            "context_window": 400000,
            "max_output_tokens": 128000,
            "input_modalities": ["text", "image"],
            "capabilities": ["tool_calling"],
            "release_date": "2025-08-07",
            "successor": None,
        },
        content_type="application/json",
        headers=staff_token,
    )
    assert response.status_code == 201, response.content
    assert response["Location"] == "/api/v1/models/openai/gpt-5-nano/"
    body = response.json()
    assert (body["slug"], body["lab"], body["context_window"], body["input_modalities"]) == (
        "openai/gpt-5-nano",
        "openai",
        400000,
        ["image", "text"],
    )
    assert body["changed"] == sorted(body["locked_fields"])
    assert sorted(body["locked_fields"]) == [
        "capabilities",
        "context_window",
        "input_modalities",
        "max_output_tokens",
        "name",
        "release_date",
    ]
    assert (body["offerings"], body["scores"], body["cheapest"]) == ([], [], None)
    model = LanguageModel.objects.get(slug="openai/gpt-5-nano")
    assert model.history.first().history_user == ana
    assert ChangeEvent.objects.get(kind="model_added", model=model).actor == "ana"
    assert client.get("/api/v1/models/openai/gpt-5-nano/").status_code == 200


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"lab": "openai", "slug": "gpt-4o-mini", "name": "Again"}, {"slug": ["openai/gpt-4o-mini already exists."]}),
        ({"lab": "nobody", "slug": "x", "name": "X"}, {"lab": ["Object with slug=nobody does not exist."]}),
        (
            {"lab": "openai", "slug": "Bad Slug", "name": "X"},
            {"slug": ["This value does not match the required pattern."]},
        ),
        ({"lab": "openai", "slug": "x"}, {"name": ["This field is required."]}),
        (
            {"lab": "openai", "slug": "x", "name": "X", "context_window": 1000, "max_output_tokens": 2000},
            {"max_output_tokens": ["Max output cannot exceed the context window."]},
        ),
        ({"lab": "openai", "slug": "x", "name": "X", "colour": "red"}, {"colour": ["This field cannot be set."]}),
    ],
)
def test_a_bad_new_model_is_a_400_naming_the_field_and_adds_nothing(client, catalog, staff_token, body, errors):
    before = snapshot()
    response = client.post("/api/v1/models/", body, content_type="application/json", headers=staff_token)
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert snapshot() == before


def test_a_body_that_is_not_an_object_is_a_400(client, catalog, staff_token):
    response = client.patch(MINI, [1, 2], content_type="application/json", headers=staff_token)
    assert response.status_code == 400
    response = client.patch(MINI, "{not json", content_type="application/json", headers=staff_token)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
