"""A run never dies of a row: a batch with a natural-key collision for every kind of row syncs, by the collision
rule (providers/sync/identity.py merge_records), and says what it collapsed. Run on SQLite by default and on
PostgreSQL with DATABASE_URL."""

import datetime as dt
from decimal import Decimal

from benchmarks.models import BenchmarkScore
from catalog.models import LanguageModel, ModelAlias
from providers.models import Offering, Price, SyncRun
from providers.sync.records import BenchmarkRecord, ModelRecord, OfferingRecord, PriceRecord, ScoreRecord
from providers.sync.run import run_sync
from providers.sync.sources import REGISTRY
from providers.sync.sources.feed import FeedSource

AA = BenchmarkRecord("aa-index", "AA index", "composite", "index", "index", True)


def price(usd: str, component: str = "input", tier: str = "standard") -> PriceRecord:
    return PriceRecord(component, "per_1m_tokens", Decimal(usd), "https://example.com", dt.date(2026, 5, 1), tier)


def score(value: str, version: str = "v1", measured: dt.date | None = None) -> ScoreRecord:
    return ScoreRecord(AA.slug, Decimal(value), False, version, measured_on=measured)


def colliding_records() -> list[ModelRecord]:
    return [
        # the base id: a route whose one price key is stated twice, and a score stated twice (two runs)
        ModelRecord(
            external_id="openai/gpt-4o-mini",
            name="GPT-4o mini",
            offerings=[OfferingRecord("openrouter", "openai/gpt-4o-mini", prices=[price("0.15"), price("0.20")])],
            scores=[score("50"), score("52", measured=dt.date(2026, 1, 1))],
            aliases=[("collide", "shared-name")],
        ),
        # the same id again (a duplicated row), other facts
        ModelRecord(external_id="openai/gpt-4o-mini", context_window=128000, scores=[score("40")]),
        # its :free variant: the same benchmark block, and the free tier of the same route
        ModelRecord(
            external_id="openai/gpt-4o-mini:free",
            name="GPT-4o mini (free)",
            offerings=[OfferingRecord("openrouter", "openai/gpt-4o-mini:free", prices=[price("0", tier="free")])],
            scores=[score("50")],
        ),
        # dated ids that fold into the model through the alias table: a second route on the same provider
        ModelRecord(
            external_id="gpt-4o-mini-2024-07-18",
            offerings=[OfferingRecord("openrouter", "gpt-4o-mini-2024-07-18", prices=[price("9")])],
            scores=[score("99")],
        ),
        # another model claiming the same alias
        ModelRecord(external_id="openai/gpt-3.5-turbo", aliases=[("collide", "shared-name")], scores=[score("30")]),
    ]


class CollidingSource(FeedSource):
    name = "collide"
    description = "a feed whose batch collides on every natural key"
    creates_models = True
    # It speaks for the OpenRouter route as OpenRouter does: an aggregator could not add the free tier there.
    first_party_providers = frozenset({"openrouter"})

    def fetch(self, client):
        return {}

    def parse(self, raw, known):
        from providers.sync.records import Batch

        records = colliding_records()
        return Batch(benchmarks=[AA], models=records if not raw.get("reversed") else records[::-1])


def test_a_batch_with_a_collision_for_every_kind_of_row_syncs(load_fixture_catalog, monkeypatch):
    load_fixture_catalog()
    monkeypatch.setitem(REGISTRY, "collide", CollidingSource)
    # the curated fixture aliases gpt-4o-mini-2024-07-18 to gpt-4o-mini (a curator's snapshot decision)
    ModelAlias.objects.get_or_create(
        source="collide",
        external_id="gpt-4o-mini-2024-07-18",
        defaults={"model": LanguageModel.objects.get(slug="openai/gpt-4o-mini")},
    )
    run = run_sync("collide")
    assert run.status == SyncRun.Status.SUCCEEDED, run.error
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    # scores: one per (benchmark, version); the base id's best run
    [kept] = BenchmarkScore.objects.filter(model=mini, source="collide")
    assert kept.value == Decimal("52")
    # one OpenRouter route, its standard price the base id's first statement, plus the free tier
    route = Offering.objects.get(model=mini, provider__slug="openrouter")
    current = Price.objects.filter(offering=route, effective_to__isnull=True, component="input")
    assert {(p.service_tier, p.usd) for p in current} == {
        ("standard", Decimal("0.15")),
        ("free", Decimal("0")),
    }
    assert "(free)" not in mini.name
    # the shared alias stays with the first model that claims it in id order (`openai/gpt-3.5-turbo`), counted
    assert ModelAlias.objects.get(source="collide", external_id="shared-name").model.slug == "openai/gpt-3.5-turbo"
    assert any(note.startswith("collapsed: 4 duplicate score") for note in run.notes), run.notes
    assert any(note.startswith("collapsed: 1 duplicate price") for note in run.notes), run.notes
    assert any(note.startswith("collapsed: 1 duplicate alias") for note in run.notes), run.notes
    # a re-run writes nothing
    again = run_sync("collide")
    assert (again.status, again.created, again.updated) == (SyncRun.Status.SUCCEEDED, 0, 0), again.counts


def test_the_collision_rule_does_not_depend_on_row_order():
    from providers.sync.sources.base import Known

    known = Known(
        labs=frozenset({"openai"}),
        models=frozenset({"openai/gpt-4o-mini", "openai/gpt-3.5-turbo"}),
        aliases={("collide", "gpt-4o-mini-2024-07-18"): "openai/gpt-4o-mini"},
    )

    def outcome(reverse: bool):
        batch = CollidingSource().normalize({"reversed": reverse}, known)
        return sorted(
            (
                m.slug,
                m.name,
                m.context_window,
                sorted(m.aliases),
                sorted((s.benchmark, s.version, s.value) for s in m.scores),
                sorted((o.provider, p.service_tier, p.component, p.usd) for o in m.offerings for p in o.prices),
            )
            for m in batch.models
        )

    assert outcome(False) == outcome(True)


def test_a_free_variant_from_any_source_is_the_free_tier_never_the_standard_price():
    from providers.sync.identity import resolve_identities
    from providers.sync.records import Batch
    from providers.sync.sources.base import Known

    batch = Batch(
        models=[
            ModelRecord(
                external_id="openrouter/nvidia/nemotron-nano-9b-v2:free",
                offerings=[OfferingRecord("openrouter", "nvidia/nemotron-nano-9b-v2:free", prices=[price("0")])],
            )
        ]
    )
    known = Known(labs=frozenset({"nvidia"}), models=frozenset({"nvidia/nemotron-nano-9b-v2"}))
    resolve_identities(batch, known, source="modelsdev", creates_models=False)
    [record] = batch.models
    assert record.slug == "nvidia/nemotron-nano-9b-v2"
    assert [(p.service_tier, p.usd) for o in record.offerings for p in o.prices] == [("free", Decimal("0"))]
