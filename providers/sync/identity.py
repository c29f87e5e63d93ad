"""One model, many ids: resolve every source's id to one canonical model, deterministically.

Rules, in order, for an id from source S (the first that answers wins):
1. the alias table: (S, id), then the id under any other source when it names exactly one model;
2. the canonical slug itself (`openai/gpt-4o-mini`);
3. the same after removing routing prefixes (`openrouter/openai/...` -> `openai/...`), variant suffixes
   (`:free`, `:thinking`...) and mapping lab namespaces (`meta-llama/` -> `meta/`, `x-ai/` -> `xai/`);
4. a bare id (`gpt-4o-mini`) under the lab its name implies (`gpt-`, `o3` -> openai; `claude` -> anthropic...);
5. the same ignoring dots vs dashes vs underscores and case (`claude-3.5-sonnet` = `claude-3-5-sonnet`);
6. a dated snapshot (`gpt-4o-mini-2024-07-18`) whose undated model resolves is its own model, linked to it.
An id that still matches nothing becomes a new canonical model only for a source whose namespace creates models
(OpenRouter); from any other source it is recorded as unmatched with its closest candidate, never guessed into a
duplicate.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalog.vocabulary import SLUG_PART_RE
from providers.sync.records import Batch, LabRecord, ModelRecord, UnmatchedRecord

if TYPE_CHECKING:  # the sources package imports this module
    from providers.sync.sources.base import Known

MODEL_SLUG_LENGTH = 200  # LanguageModel.slug
LAB_SLUG_LENGTH = 64  # Lab.slug
VARIANT_RE = re.compile(r":[a-z0-9-]+$")
# Date stamps that mark snapshots: -2024-07-18, -20240718 (a 4-digit suffix such as -0905 is a version, not a date).
SNAPSHOT_RE = re.compile(r"^(?P<base>.+?)[-@](?P<date>20[2-3]\d-[01]\d-[0-3]\d|20[2-3]\d[01]\d[0-3]\d)$")

LAB_NAMESPACES = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "meta-llama": "meta",
    "meta": "meta",
    "mistralai": "mistral",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "deepseek-ai": "deepseek",
    "qwen": "qwen",
    "alibaba": "qwen",
    "x-ai": "xai",
    "xai": "xai",
    "cohere": "cohere",
    "amazon": "amazon",
    "moonshotai": "moonshot",
    "moonshot": "moonshot",
}

# How a bare id's name implies its lab. Longest prefixes first where they overlap.
LAB_PREFIXES = (
    ("chatgpt", "openai"),
    ("gpt-", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("codex", "openai"),
    ("claude", "anthropic"),
    ("gemini", "google"),
    ("gemma", "google"),
    ("llama", "meta"),
    ("mistral", "mistral"),
    ("mixtral", "mistral"),
    ("codestral", "mistral"),
    ("magistral", "mistral"),
    ("devstral", "mistral"),
    ("ministral", "mistral"),
    ("pixtral", "mistral"),
    ("deepseek", "deepseek"),
    ("qwen", "qwen"),
    ("qwq", "qwen"),
    ("grok", "xai"),
    ("command", "cohere"),
    ("nova", "amazon"),
    ("kimi", "moonshot"),
)


def normalized(text: str) -> str:
    """Ignore case and the punctuation sources disagree on: `Claude-3.5_Sonnet` -> `claude-3-5-sonnet`."""
    return re.sub(r"[._\s]+", "-", text.lower())


def _neighbourhoods_of(key: str) -> tuple[str, ...]:
    lab, _, model_part = key.rpartition("/")
    word = model_part.split("-", 1)[0]
    return (f"lab:{lab}", f"word:{word}") if lab else (f"word:{word}",)


def lab_for_namespace(namespace: str) -> str:
    return LAB_NAMESPACES.get(namespace.lower(), re.sub(r"[^a-z0-9-]+", "-", namespace.lower()).strip("-"))


def lab_for_name(model_id: str) -> str:
    lowered = model_id.lower()
    for prefix, lab in LAB_PREFIXES:
        if lowered.startswith(prefix):
            return lab
    return ""


@dataclass(frozen=True)
class Resolution:
    slug: str = ""
    rule: str = ""  # alias | canonical | prefix | bare | normalized | snapshot-new | created
    snapshot_of: str = ""


class IdentityIndex:
    """Lookups over what the catalog already holds, plus the models a batch is about to create."""

    def __init__(self, known: Known) -> None:
        self.by_alias: dict[tuple[str, str], str] = dict(known.aliases)
        self.by_any_alias: dict[str, set[str]] = defaultdict(set)
        for (_, external_id), slug in known.aliases.items():
            self.by_any_alias[external_id].add(slug)
        self.slugs: set[str] = set(known.models)
        self.by_normalized: dict[str, set[str]] = defaultdict(set)
        for slug in self.slugs:
            self.by_normalized[normalized(slug)].add(slug)
        self._neighbourhoods: dict[str, list[str]] | None = None

    def add(self, slug: str) -> None:
        self.slugs.add(slug)
        self.by_normalized[normalized(slug)].add(slug)
        self._neighbourhoods = None

    def _near(self, key: str) -> list[str]:
        """The normalized slugs worth comparing with `key`: those of the same lab, and those whose model part
        starts with the same word (`llama` in `meta-llama/llama-3` and `meta/llama-3-8b`). Comparing every id
        with every slug of a 5,000-model catalog took a minute and a half for one LiteLLM file."""
        if self._neighbourhoods is None:
            self._neighbourhoods = defaultdict(list)
            for other in sorted(self.by_normalized):
                for neighbourhood in _neighbourhoods_of(other):
                    self._neighbourhoods[neighbourhood].append(other)
        near: dict[str, None] = {}
        for neighbourhood in _neighbourhoods_of(key):
            near.update(dict.fromkeys(self._neighbourhoods.get(neighbourhood, ())))
        return list(near)

    def _unique(self, slugs: Iterable[str]) -> str:
        found = set(slugs)
        return found.pop() if len(found) == 1 else ""

    def exact(self, source: str, external_id: str) -> Resolution:
        if slug := self.by_alias.get((source, external_id)):
            return Resolution(slug, "alias")
        if slug := self._unique(self.by_any_alias.get(external_id, ())):
            return Resolution(slug, "alias")
        if external_id in self.slugs:
            return Resolution(external_id, "canonical")
        return Resolution()

    def candidates(self, external_id: str, lab_hint: str) -> list[tuple[str, str]]:
        """(candidate canonical slug, rule) pairs for rules 3 and 4, most specific first."""
        stripped = VARIANT_RE.sub("", external_id)
        parts = stripped.split("/")
        found: list[tuple[str, str]] = []
        for start in range(len(parts)):
            tail = parts[start:]
            if len(tail) == 2:
                found.append((f"{lab_for_namespace(tail[0])}/{tail[1]}", "prefix"))
            elif len(tail) == 1:
                for lab in dict.fromkeys(filter(None, (lab_hint, lab_for_name(tail[0])))):
                    found.append((f"{lab}/{tail[0]}", "bare"))
        if stripped != external_id and "/" not in stripped:
            found.insert(0, (stripped, "prefix"))
        return found

    def resolve(self, source: str, external_id: str, lab_hint: str = "") -> Resolution:
        hit = self.exact(source, external_id)
        if hit.slug:
            return hit
        stripped = VARIANT_RE.sub("", external_id)
        if stripped != external_id and (hit := self.exact(source, stripped)).slug:
            return Resolution(hit.slug, "prefix")
        candidates = self.candidates(external_id, lab_hint)
        for candidate, rule in candidates:
            if candidate in self.slugs:
                return Resolution(candidate, rule)
            if slug := self._unique(self.by_any_alias.get(candidate, ())):
                return Resolution(slug, rule)
        for candidate, _ in candidates:
            if slug := self._unique(self.by_normalized.get(normalized(candidate), ())):
                return Resolution(slug, "normalized")
        # A dated snapshot of a model we know is its own model, linked to the undated one.
        model_part = stripped.rsplit("/", 1)[-1]
        if match := SNAPSHOT_RE.match(model_part):
            base_id = stripped[: len(stripped) - len(model_part)] + match["base"]
            base = self.resolve(source, base_id, lab_hint)
            if base.slug and not base.snapshot_of:
                snapshot = f"{base.slug}-{match['date']}"
                if snapshot in self.slugs:
                    return Resolution(snapshot, "snapshot")
                return Resolution(snapshot, "snapshot-new", snapshot_of=base.slug)
        return Resolution()

    def closest(self, external_id: str, lab_hint: str) -> tuple[str, float]:
        """The most similar canonical slug, for a curator deciding where an unmatched id belongs."""
        wanted = [normalized(c) for c, _ in self.candidates(external_id, lab_hint)] or [normalized(external_id)]
        best, best_score = "", 0.0
        for key in wanted:
            for match in difflib.get_close_matches(key, self._near(key), n=1, cutoff=0.6):
                score = difflib.SequenceMatcher(None, key, match).ratio()
                if score > best_score:
                    best, best_score = sorted(self.by_normalized[match])[0], score
        return best, round(best_score, 3)


def resolve_identities(
    batch: Batch, known: Known, *, source: str, creates_models: bool, creates_snapshots: bool = True
) -> Batch:
    """Give every feed record its canonical slug (or record it as unmatched), then merge records that turn out
    to be the same model. Pure: reads only `known`."""
    index = IdentityIndex(known)
    labs = set(known.labs) | {lab.slug for lab in batch.labs}
    resolved: list[ModelRecord] = []
    unresolved: list[ModelRecord] = []
    for record in batch.models:
        if record.slug:  # already canonical (curated)
            resolved.append(record)
            continue
        resolution = index.resolve(source, record.external_id, record.lab_hint)
        if resolution.rule == "snapshot-new" and not creates_snapshots:
            # A source that only reports on models (benchmarks) attaches a dated id to the model it is a date of.
            resolution = Resolution(resolution.snapshot_of, "snapshot-base")
        if not resolution.slug and creates_models:
            resolution = _new_model(record, labs, batch)
        if not resolution.slug:
            unresolved.append(record)
            continue
        record.slug = resolution.slug
        record.lab = resolution.slug.split("/", 1)[0]
        record.snapshot_of = resolution.snapshot_of
        if record.lab not in labs:
            batch.labs.append(LabRecord(slug=record.lab, name=record.lab))
            labs.add(record.lab)
        index.add(record.slug)
        record.aliases = list(dict.fromkeys([*record.aliases, (source, record.external_id)]))
        resolved.append(record)
    # Candidates are chosen once every record is placed, so models this batch creates count too.
    for record in unresolved:
        candidate, score = index.closest(record.external_id, record.lab_hint)
        batch.unmatched.append(
            UnmatchedRecord(
                external_id=record.external_id,
                name=record.name or "",
                candidate=candidate,
                candidate_score=score,
                details={"routes": [o.provider for o in record.offerings], "lab_hint": record.lab_hint},
            )
        )
    batch.models = merge_records(resolved, batch)
    return batch


def _new_model(record: ModelRecord, labs: set[str], batch: Batch) -> Resolution:
    """A model first seen in a namespace that creates models: its slug is the lab-mapped id without variant."""
    stripped = VARIANT_RE.sub("", record.external_id)
    if stripped.count("/") != 1:
        return Resolution()
    namespace, model_part = stripped.split("/")
    lab = lab_for_namespace(namespace)
    slug = f"{lab}/{model_part.lower()}"
    if not _creatable(slug):
        return Resolution()  # a curator decides (unmatched queue); an id is never bent into a slug
    if lab not in labs:
        batch.labs.append(LabRecord(slug=lab, name=record.lab_name or namespace))
        labs.add(lab)
    return Resolution(slug, "created")


def _creatable(slug: str) -> bool:
    """Whether a feed's id may become a canonical slug as it is: `lab/model`, both slug parts, within the column
    (an id such as `x/"><img src=x>` or one 10,000 characters long is not a page address)."""
    lab, model_part = slug.split("/", 1)
    return (
        len(slug) <= MODEL_SLUG_LENGTH
        and len(lab) <= LAB_SLUG_LENGTH
        and bool(SLUG_PART_RE.match(lab))
        and bool(SLUG_PART_RE.match(model_part))
    )


def merge_records(records: list[ModelRecord], batch: Batch) -> list[ModelRecord]:
    """Records that resolved to one model become one: the first stated value of each fact wins, routes are
    combined, and a second route on the same provider/region/quantization is skipped with a counted reason."""
    merged: dict[str, ModelRecord] = {}
    for record in records:
        first = merged.get(record.slug)
        if first is None:
            merged[record.slug] = record
            continue
        for name, value in vars(record).items():
            if name in {"offerings", "aliases", "scores", "capabilities", "capabilities_denied"}:
                continue
            if getattr(first, name) in (None, "", []) and value not in (None, "", []):
                setattr(first, name, value)
        first.aliases = list(dict.fromkeys([*first.aliases, *record.aliases]))
        first.scores.extend(record.scores)
        if record.capabilities is not None:
            first.capabilities = sorted(set(first.capabilities or []) | set(record.capabilities))
        # One route saying "yes" outweighs another saying "no": a provider's limit is not the model's.
        first.capabilities_denied = sorted(
            (set(first.capabilities_denied) | set(record.capabilities_denied)) - set(first.capabilities or [])
        )
        keys = {(o.provider, o.region, o.quantization) for o in first.offerings}
        for offering in record.offerings:
            key = (offering.provider, offering.region, offering.quantization)
            if key in keys:
                batch.skip("duplicate route: same model and provider under another id")
                continue
            keys.add(key)
            first.offerings.append(offering)
    return list(merged.values())
