"""Forgiving search (catalog/search.py): spacing, punctuation and small typos; "did you mean"; the same search
for the browser and the API's `q`, on SQLite and PostgreSQL alike (it reads the names and matches in Python)."""

import pytest

from catalog.models import LanguageModel, find_models
from catalog.search import SearchIndex, Text, close, grams, query_words
from providers.sync.records import Batch, LabRecord, ModelRecord
from providers.sync.run import apply_batch

NAMES = {
    "openai/gpt-4o": ("GPT-4o", ["gpt-4o-2024-08-06"]),
    "openai/gpt-4o-mini": ("GPT-4o mini", ["gpt-4o-mini-2024-07-18"]),
    "openai/gpt-4-0314": ("GPT-4 (older v0314)", []),
    "openai/gpt-4.1": ("GPT-4.1", []),
    "openai/gpt-4-1106-preview": ("GPT-4 Turbo (1106)", []),
    "anthropic/claude-sonnet-4-5": ("Claude Sonnet 4.5", ["claude-sonnet-4-5-20250929"]),
    "anthropic/claude-sonnet-4": ("Claude Sonnet 4", ["claude-sonnet-4-20250514"]),
    "anthropic/claude-3-5-haiku": ("Claude 3.5 Haiku", []),
    "deepseek/deepseek-v3": ("DeepSeek V3", []),
    "openai/o3": ("o3", []),
    "nvidia/nemotron-3-nano-30b-a3b": ("Nemotron 3 Nano 30B A3B", []),
}


@pytest.fixture
def named(db):
    labs = sorted({slug.split("/")[0] for slug in NAMES})
    batch = Batch(labs=[LabRecord(slug=lab, name=lab.title()) for lab in labs])
    for slug, (name, aliases) in NAMES.items():
        batch.models.append(
            ModelRecord(slug=slug, lab=slug.split("/")[0], name=name, aliases=[("litellm", alias) for alias in aliases])
        )
    apply_batch(batch, source="curated")


def names(query: str) -> list[str]:
    return sorted(LanguageModel.objects.search(query).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gpt4o", ["GPT-4o", "GPT-4o mini"]),  # no hyphen; not "GPT-4 (older)"
        ("GPT 4o MINI", ["GPT-4o mini"]),
        ("gpt-4o-mini", ["GPT-4o mini"]),
        ("sonnet 4.5", ["Claude Sonnet 4.5"]),  # not Sonnet 4 (whose alias has 4 then a date)
        ("4.5 sonnet", ["Claude Sonnet 4.5"]),  # word order is free
        ("claude-3.5-haiku", ["Claude 3.5 Haiku"]),
        ("deepseekv3", ["DeepSeek V3"]),  # spacing inside the name
        ("gpt-4.1", ["GPT-4.1"]),  # not gpt-4-1106
        ("o3", ["o3"]),  # not Nemotron (nem-o-tron 3)
        ("son", ["Claude Sonnet 4", "Claude Sonnet 4.5"]),  # a prefix of a word
        ("2024-07-18", ["GPT-4o mini"]),  # only an alias says this
        # Small typos, when nothing matches exactly
        ("claude sonet", ["Claude Sonnet 4", "Claude Sonnet 4.5"]),
        ("gtp4o", ["GPT-4o", "GPT-4o mini"]),
        ("deepsek", ["DeepSeek V3"]),
        ("zzz", []),
        ("sonnet 4.7", []),  # digits are never guessed
    ],
)
def test_the_search_forgives_spacing_punctuation_and_small_typos(named, query, expected):
    assert names(query) == expected


def test_it_says_how_it_matched_and_suggests_names(named):
    assert find_models("gpt4o").how == "words"
    close_result = find_models("claude sonet", suggest=True)
    assert close_result.how == "close"
    assert close_result.suggestions[0][0].startswith("Claude Sonnet")
    none = find_models("clod sonnit 9", suggest=True)
    assert none.how == "none"
    assert not none.pks
    # A query with one recognisable word still gets suggestions.
    partly = find_models("zzzqqq sonnit", suggest=True)
    assert partly.how == "none"
    assert {name for name, _ in partly.suggestions} == {"Claude Sonnet 4", "Claude Sonnet 4.5"}


def test_the_browser_shows_close_matches_and_did_you_mean(client, named):
    response = client.get("/models/", {"q": "claude sonet"})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 2
    assert "showing the models a small typo away" in html
    assert 'Did you mean <a href="/models/anthropic/claude-sonnet-4' in html
    empty = client.get("/models/", {"q": "claud sonnit pro max"})
    assert empty.context["page"].paginator.count == 0
    assert "Did you mean" in empty.content.decode()


def test_the_api_q_is_the_same_search(client, named):
    body = client.get("/api/v1/models/", {"q": "gpt4o"}).json()
    results = body["results"] if isinstance(body, dict) else body
    assert sorted(r["slug"] for r in results) == ["openai/gpt-4o", "openai/gpt-4o-mini"]


def test_the_text_rules():
    assert query_words("Sonnet 4.5") == ["sonnet", "45"]
    text = Text.of("GPT-4 (older v0314)")
    assert text.has("gpt4")
    assert not text.has("gpt4o")  # a one-letter cut into "older"
    assert text.has("gpt4ol")  # two letters are a prefix
    assert not Text.of("gpt-4-1106").has("gpt41")  # never a cut into digits
    assert {"gpt4o", "4omini", "gpt4omini"} <= grams("GPT-4o mini")
    assert close("sonet", "sonnet") > 0.9
    assert close("4.1", "45") == 0
    assert close("abc", "abd") == 0  # short words exact only


def test_the_index_alone():
    index = SearchIndex()
    index.add(1, "Mistral Large")
    index.add(1, "mistral-large")
    index.add(2, "Mistral Small")
    index.add(2, "mistral-small")
    assert index.matching("large") == {1}
    assert set(index.close_to("mistal larg")) == {1}
    assert index.suggest("mistral lage")[0] == 1


def test_a_kept_index_costs_no_query_until_the_catalog_changes(named, settings, django_assert_num_queries):
    from lib.caching import bump_catalog_version

    settings.VERSION_MEMO = True
    assert find_models("gpt4o").how == "words"  # builds the index
    with django_assert_num_queries(0):
        assert len(find_models("sonnet 4.5").pks) == 1
    LanguageModel.objects.filter(slug="openai/o3").update(name="o3 Reasoner")
    bump_catalog_version()  # what every committed change does
    with django_assert_num_queries(2):
        assert len(find_models("reasoner").pks) == 1


def test_with_the_memo_on_a_search_finds_a_model_added_after_a_change(
    named, settings, django_capture_on_commit_callbacks
):
    """VERSION_MEMO on, as in production: the index is kept per catalog version (lib.caching.per_version), and a
    sync that adds a model moves the version on, so the next search sees it."""
    settings.VERSION_MEMO = True
    assert not find_models("gemini flash").pks  # builds and keeps the index
    batch = Batch(labs=[LabRecord(slug="google", name="Google")])
    batch.models.append(ModelRecord(slug="google/gemini-2-5-flash", lab="google", name="Gemini 2.5 Flash"))
    with django_capture_on_commit_callbacks(execute=True):
        apply_batch(batch, source="curated")
    assert names("gemini flash") == ["Gemini 2.5 Flash"]


def test_the_api_says_how_q_matched_and_suggests_models(client, named):
    exact = client.get("/api/v1/models/", {"q": "gpt4o"}).json()
    assert (exact["search_match"], exact["suggestions"]) == ("words", [])
    close = client.get("/api/v1/models/", {"q": "claude sonet"}).json()
    assert close["search_match"] == "close"
    assert close["count"] == 2
    first = close["suggestions"][0]
    assert first["name"].startswith("Claude Sonnet")
    assert first["url"] == f"http://testserver/api/v1/models/{first['slug']}/"
    empty = client.get("/api/v1/models/", {"q": "claud sonnit pro max"}).json()
    assert (empty["search_match"], empty["count"], empty["results"]) == ("none", 0, [])
    assert {s["slug"] for s in empty["suggestions"]} >= {"anthropic/claude-sonnet-4"}
    unsearched = client.get("/api/v1/models/").json()
    assert (unsearched["search_match"], unsearched["suggestions"]) == (None, [])
