"""One model, many ids: resolve every source's id to one canonical model, deterministically.

Rules, in order, for an id from source S (the first that answers wins):
1. the alias table: (S, id), then the id under any other source when it names exactly one model;
2. the canonical slug itself (`openai/gpt-4o-mini`);
3. the same after removing routing prefixes (`openrouter/openai/...` -> `openai/...`), variant suffixes
   (`:free`, `:thinking`...) and mapping lab namespaces (`meta-llama/` -> `meta/`, `x-ai/` -> `xai/`);
4. a bare id (`gpt-4o-mini`) under the lab its name implies (`gpt-`, `o3` -> openai; `claude` -> anthropic...);
5. the same ignoring dots vs dashes vs underscores and case (`claude-3.5-sonnet` = `claude-3-5-sonnet`), then
   ignoring every separator in the model part (`qwen2.5-72b-instruct` = `qwen-2.5-72b-instruct`) when that names
   exactly one model;
6. the same for the id's tidied forms (`tidied_forms`): Bedrock's region and vendor prefixes and `-v1:0` version
   (`us.anthropic.claude-3-5-haiku-20241022-v1:0`), Vertex's `@default` and `@20250514`, Fireworks' `p` for a dot
   (`llama-v3p1-70b-instruct`, `kimi-k2p5`), Azure's `gpt-35-turbo`, a `-latest` pointer, METR's word order
   (`claude-4-1-opus`);
7. a dated snapshot (`gpt-4o-mini-2024-07-18`, `-20240718`, `@20240718`) whose undated model resolves: the snapshot
   policy (docs/sources.md) makes it its own model linked to the undated one, from every source that creates
   snapshots; a source that only reports on models (benchmarks) puts it on the undated model itself.
A batch is resolved in a fixed order (undated ids before dated ones, plain ids before variants, then by id), so a
snapshot listed before its base is still linked and the merge does not depend on the payload's row order.
An id that still matches nothing becomes a new canonical model only for a source whose namespace creates models
(OpenRouter); from any other source it is recorded as unmatched with its closest candidate, never guessed into a
duplicate.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalog.vocabulary import SLUG_PART_RE
from providers.models import ServiceTier
from providers.sync.records import (
    Batch,
    BenchmarkRecord,
    LabRecord,
    ModelRecord,
    PriceRecord,
    ScoreRecord,
    UnmatchedRecord,
)

if TYPE_CHECKING:  # the sources package imports this module
    from providers.sync.sources.base import Known

MODEL_SLUG_LENGTH = 200  # LanguageModel.slug
LAB_SLUG_LENGTH = 64  # Lab.slug
VARIANT_RE = re.compile(r":[a-z0-9-]+$")
FREE_VARIANT = ":free"
# " (free)" at the end of a `:free` variant's name: the free offer is a route's service tier, not the model's name.
FREE_NAME_RE = re.compile(r"\s*\(free\)$", re.IGNORECASE)
# Date stamps that mark snapshots: -2024-07-18, -20240718 (a 4-digit suffix such as -0905 is a version, not a date).
SNAPSHOT_RE = re.compile(r"^(?P<base>.+?)[-@](?P<date>20[2-3]\d-[01]\d-[0-3]\d|20[2-3]\d[01]\d[0-3]\d)$")

# Bedrock `us.anthropic.claude-…-v1:0`: a cross-region inference prefix, the vendor, a version suffix.
BEDROCK_REGION_RE = re.compile(r"^(?:us|eu|apac|ap|global|us-gov|ca|jp|au)\.(?=[a-z])")
BEDROCK_VENDOR_RE = re.compile(
    r"^(?P<vendor>anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai|writer|moonshot|moonshotai|google"
    r"|minimax|zai|twelvelabs)\.(?=[a-z])"
)
BEDROCK_VERSION_RE = re.compile(r"-v\d+(?::\d+)?$")  # `-v1:0`; after a vendor prefix also a bare `-1:0`
VERTEX_POINTER_RE = re.compile(r"@(?:default|latest|\d{3})$")
VERTEX_DATE_RE = re.compile(r"@(?=20[2-3]\d[01]\d[0-3]\d$)")
VERTEX_VERSION_RE = re.compile(r"@(?=\d{4}$)")
HF_SUFFIX_RE = re.compile(r"-hf$")  # Fireworks' and Together's Hugging Face checkpoints: the same model
P_NOTATION_RE = re.compile(r"(?<=\d)p(?=\d)")  # Fireworks writes `3p1` for 3.1
LLAMA_V_RE = re.compile(r"^llama-?v?(?=\d)")  # `llama-v3p1`, Bedrock's `llama3-1`: Llama 3.1
AZURE_35_RE = re.compile(r"^gpt-35-")
LATEST_RE = re.compile(r"-latest$")
# METR and some older lists put the version before the tier: `claude-4-1-opus` is Claude Opus 4.1.
CLAUDE_ORDER_RE = re.compile(r"^claude-(?P<version>\d+(?:[-.]\d+)?)-(?P<tier>opus|sonnet|haiku)(?P<rest>(?:-.*)?)$")

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
    "z-ai": "z-ai",
    "zai": "z-ai",
    "zai-org": "z-ai",
    "google-deepmind": "google",
    "microsoft": "microsoft",
    "microsoft-ai": "microsoft",
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
    ("glm-", "z-ai"),
    ("phi-", "microsoft"),
)
# Ids that name a router or a moving pointer, not a model, whichever source lists them: skipped and counted, never
# queued as unmatched.
ROUTER_IDS = frozenset({"openrouter/auto", "openrouter/free", "model-router"})


def is_router_id(external_id: str) -> bool:
    """Whether an id names a router (ROUTER_IDS), whatever prefix or variant a source writes around it: the one
    home of the router ids, which the adapters call (their payloads' own router signals stay with them)."""
    stripped = VARIANT_RE.sub("", external_id).lower()
    tail = "/".join(stripped.split("/")[-2:])
    return tail in ROUTER_IDS or stripped.rsplit("/", 1)[-1] in ROUTER_IDS


def not_a_model(external_id: str) -> str:
    """Why an id no rule placed is a router or a moving alias rather than a model absent from the catalog, or ""."""
    if is_router_id(external_id):
        return "router, not a model"
    tail = "/".join(VARIANT_RE.sub("", external_id).lower().split("/")[-2:])
    if tail.startswith("openrouter/"):
        return "OpenRouter's own router or pointer (openrouter/…), not placed"
    if tail.startswith("~"):
        return "moving alias (~vendor/…) that names no fixed model"
    return ""


def normalized(text: str) -> str:
    """Ignore case and the punctuation sources disagree on: `Claude-3.5_Sonnet` -> `claude-3-5-sonnet`."""
    return re.sub(r"[._\s]+", "-", text.lower())


def compact(text: str) -> str:
    """The model part with no separators at all, for the last rule: `qwen2.5-72b` = `qwen-2.5-72b` (the lab is kept:
    `qwen/qwen25-72b`)."""
    lab, _, model_part = text.lower().rpartition("/")
    return lab + "/" + re.sub(r"[-._\s]+", "", model_part)


def _neighbourhoods_of(key: str) -> tuple[str, ...]:
    lab, _, model_part = key.rpartition("/")
    word = model_part.split("-", 1)[0]
    return (f"lab:{lab}", f"word:{word}") if lab else (f"word:{word}",)


def lab_for_namespace(namespace: str) -> str:
    """The lab a namespace names: `meta-llama` -> meta; OpenRouter's alias namespaces `~x-ai` are the same labs."""
    namespace = namespace.lower().lstrip("~")
    return LAB_NAMESPACES.get(namespace, re.sub(r"[^a-z0-9-]+", "-", namespace).strip("-"))


def tidied_forms(model_part: str) -> list[tuple[str, str]]:
    """The other ways sources write one model id, as (form, the lab a vendor prefix names or ""), each step applied
    on top of the last: `us.anthropic.claude-3-5-haiku-20241022-v1:0` -> `anthropic.claude-3-5-haiku-20241022-v1:0`
    -> `claude-3-5-haiku-20241022-v1:0` -> `claude-3-5-haiku-20241022`. The id itself is not in the list."""
    forms: dict[str, str] = {}
    vendor = ""
    form = model_part

    def step(new: str) -> None:
        nonlocal form
        if new != form and new:
            form = new
            forms.setdefault(form, vendor)

    step(VERTEX_POINTER_RE.sub("", form))
    step(VERTEX_DATE_RE.sub("-", form))
    step(VERTEX_VERSION_RE.sub("-", form))  # Vertex's `mistral-large@2407` is Mistral's `mistral-large-2407`
    step(BEDROCK_REGION_RE.sub("", form))
    if match := BEDROCK_VENDOR_RE.match(form):
        vendor = lab_for_namespace(match["vendor"])
        step(form[match.end() :])
    unversioned = VARIANT_RE.sub("", form)
    if BEDROCK_VERSION_RE.search(unversioned):
        step(BEDROCK_VERSION_RE.sub("", unversioned))
    elif vendor:
        step(re.sub(r"-\d{1,2}$", "", unversioned))  # Bedrock's `openai.gpt-oss-120b-1:0`
    step(re.sub(r"^(?:meta-(?=llama-)|cohere-(?=command))", "", form, flags=re.IGNORECASE))
    step(LLAMA_V_RE.sub("llama-", P_NOTATION_RE.sub(".", form)))
    step(AZURE_35_RE.sub("gpt-3.5-", form))
    step(HF_SUFFIX_RE.sub("", form))
    step(LATEST_RE.sub("", form))
    if match := CLAUDE_ORDER_RE.match(form):
        step(f"claude-{match['tier']}-{match['version']}{match['rest']}")
    return list(forms.items())


def snapshot_date(model_part: str) -> str:
    """The date stamp of a dated id (its tidied forms included), as 8 digits; "" when it has none."""
    for form in (model_part, *(f for f, _ in tidied_forms(model_part))):
        if match := SNAPSHOT_RE.match(form):
            return match["date"].replace("-", "")
    return ""


def id_order(external_id: str) -> tuple[int, int, int, int, str]:
    """The order a batch is resolved and merged in: plain ids before variants (`:free`), undated before dated, the
    newest snapshot first, fewer path segments first (`gpt-4o-mini` before `azure/gpt-4o-mini`), then the id. It
    makes the result independent of the payload's row order."""
    variant = 1 if VARIANT_RE.search(external_id) else 0
    date = snapshot_date(VARIANT_RE.sub("", external_id).rsplit("/", 1)[-1])
    return (variant, 1 if date else 0, -int(date) if date else 0, external_id.count("/"), external_id)


def lab_for_name(model_id: str) -> str:
    lowered = model_id.lower()
    for prefix, lab in LAB_PREFIXES:
        if lowered.startswith(prefix):
            return lab
    return ""


def _folds_a_snapshot(external_id: str, slug: str) -> bool:
    """Whether an alias puts a dated id on an undated model."""
    return bool(snapshot_date(VARIANT_RE.sub("", external_id).rsplit("/", 1)[-1])) and not snapshot_date(
        slug.rsplit("/", 1)[-1]
    )


@dataclass(frozen=True)
class Resolution:
    slug: str = ""
    rule: str = ""  # alias | canonical | prefix | bare | tidied | normalized | compact | snapshot[-new|-base] | created
    snapshot_of: str = ""


class IdentityIndex:
    """Lookups over what the catalog already holds, plus the models a batch is about to create."""

    def __init__(self, known: Known, folding_sources: frozenset[str] = frozenset()) -> None:
        self.by_alias: dict[tuple[str, str], str] = dict(known.aliases)
        self.by_any_alias: dict[str, set[str]] = defaultdict(set)
        for (source, external_id), slug in known.aliases.items():
            if source in folding_sources and _folds_a_snapshot(external_id, slug):
                # A benchmark source's fold (Epoch's `…-20250929` on the undated model) is its own rule: other
                # sources keep the snapshot policy for that id.
                continue
            self.by_any_alias[external_id].add(slug)
        self.slugs: set[str] = set(known.models)
        self.by_normalized: dict[str, set[str]] = defaultdict(set)
        self.by_compact: dict[str, set[str]] = defaultdict(set)
        for slug in self.slugs:
            self.by_normalized[normalized(slug)].add(slug)
            self.by_compact[compact(slug)].add(slug)
        self._neighbourhoods: dict[str, list[str]] | None = None

    def add(self, slug: str) -> None:
        self.slugs.add(slug)
        self.by_normalized[normalized(slug)].add(slug)
        self.by_compact[compact(slug)].add(slug)
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
        """(candidate canonical slug, rule) pairs for rules 3, 4 and 6, most specific first."""
        stripped = VARIANT_RE.sub("", external_id)
        parts = stripped.split("/")
        found: list[tuple[str, str]] = []
        tidied: list[tuple[str, str]] = []
        for start in range(len(parts)):
            tail = parts[start:]
            if len(tail) == 2:
                lab = lab_for_namespace(tail[0])
                found.append((f"{lab}/{tail[1]}", "prefix"))
                tidied.extend((f"{vendor or lab}/{form}", "tidied") for form, vendor in tidied_forms(tail[1]))
            elif len(tail) == 1:
                for lab in dict.fromkeys(filter(None, (lab_hint, lab_for_name(tail[0])))):
                    found.append((f"{lab}/{tail[0]}", "bare"))
                for form, vendor in tidied_forms(tail[0]):
                    for lab in dict.fromkeys(filter(None, (vendor, lab_hint, lab_for_name(form)))):
                        tidied.append((f"{lab}/{form}", "tidied"))
        if stripped != external_id and "/" not in stripped:
            found.insert(0, (stripped, "prefix"))
        return list(dict.fromkeys([*found, *tidied]))

    def bare_forms(self, external_id: str) -> list[str]:
        """The id's last part and its tidied forms, as other sources' aliases may spell them."""
        last = VARIANT_RE.sub("", external_id).rsplit("/", 1)[-1]
        return list(dict.fromkeys([last, *(form for form, _ in tidied_forms(last))]))

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
        for form in self.bare_forms(external_id)[1:]:
            if slug := self._unique(self.by_any_alias.get(form, ())):
                return Resolution(slug, "tidied")
        for candidate, _ in candidates:
            if slug := self._unique(self.by_normalized.get(normalized(candidate), ())):
                return Resolution(slug, "normalized")
        for candidate, _ in candidates:
            if slug := self._unique(self.by_compact.get(compact(candidate), ())):
                return Resolution(slug, "compact")
        for candidate, _ in candidates:
            # METR's `gpt-4-1106`, `gemini-3-pro`: the lab named the release a preview.
            if "/" in candidate and f"{candidate}-preview" in self.slugs:
                return Resolution(f"{candidate}-preview", "preview")
        # A dated snapshot of a model we know is its own model, linked to the undated one (the snapshot policy).
        prefix = stripped[: len(stripped) - len(stripped.rsplit("/", 1)[-1])]
        for form in self.bare_forms(external_id):
            if not (match := SNAPSHOT_RE.match(form)):
                continue
            base = self.resolve(source, prefix + match["base"], lab_hint)
            if not base.slug or base.snapshot_of:
                continue
            if existing := self.dated(base.slug, match["date"]):
                return Resolution(existing, "snapshot", snapshot_of=base.slug)
            return Resolution(f"{base.slug}-{match['date']}", "snapshot-new", snapshot_of=base.slug)
        return Resolution()

    def dated(self, base: str, date: str) -> str:
        """The snapshot model of `base` at `date` already known, whichever way the date is written."""
        digits = date.replace("-", "")
        for written in (digits, f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"):
            if f"{base}-{written}" in self.slugs:
                return f"{base}-{written}"
        return ""

    def base_of(self, slug: str) -> str:
        """The undated model a dated slug is a snapshot of, when the catalog (or this batch) holds it."""
        lab, _, model_part = slug.partition("/")
        match = SNAPSHOT_RE.match(model_part)
        if match and f"{lab}/{match['base']}" in self.slugs:
            return f"{lab}/{match['base']}"
        return ""

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
    batch: Batch,
    known: Known,
    *,
    source: str,
    creates_models: bool,
    creates_snapshots: bool = True,
    folding_sources: frozenset[str] = frozenset(),
) -> Batch:
    """Give every feed record its canonical slug (or record it as unmatched), then merge records that turn out
    to be the same model. Pure: reads only `known`.

    Records are resolved in `id_order` (curated ones, which carry their slug, first), so neither the payload's row
    order nor which id of a model comes first changes the outcome."""
    index = IdentityIndex(known, folding_sources - {source})
    labs = set(known.labs) | {lab.slug for lab in batch.labs}
    resolved: list[ModelRecord] = []
    unresolved: list[ModelRecord] = []
    curated = [record for record in batch.models if record.slug]
    # Rows of one id keep the order the normalizer gives them (models.dev puts the lab's own API first); their scores
    # share one rank in the merge, so which run is kept does not depend on it.
    feed = sorted((record for record in batch.models if not record.slug), key=lambda r: id_order(r.external_id))
    resolved.extend(curated)
    for record in feed:
        resolution = _resolve(index, source, record, creates_snapshots=creates_snapshots)
        if not resolution.slug and creates_models:
            resolution = _new_model(record, labs, batch)
        if not resolution.slug:
            unresolved.append(record)
            continue
        record.slug = resolution.slug
        record.lab = resolution.slug.split("/", 1)[0]
        record.snapshot_of = resolution.snapshot_of
        record.resolved_by = resolution.rule
        if record.lab not in labs:
            batch.labs.append(LabRecord(slug=record.lab, name=record.lab))
            labs.add(record.lab)
        index.add(record.slug)
        record.aliases = list(dict.fromkeys([*record.aliases, (source, record.external_id)]))
        resolved.append(record)
    for record in feed:
        if record.slug:
            batch.matched[record.resolved_by] += 1
    # Candidates are chosen once every record is placed, so models this batch creates count too.
    for record in unresolved:
        if reason := not_a_model(record.external_id):
            batch.skip(reason)
            continue
        candidate, score = index.closest(record.match_id or record.external_id, record.lab_hint)
        batch.unmatched.append(
            UnmatchedRecord(
                external_id=record.external_id,
                name=record.name or "",
                candidate=candidate,
                candidate_score=score,
                details={"routes": [o.provider for o in record.offerings], "lab_hint": record.lab_hint},
            )
        )
    for record in resolved:
        if record.external_id.endswith(FREE_VARIANT):
            _as_free_offer(record)
    batch.models = merge_records(resolved, batch)
    return batch


def _as_free_offer(record: ModelRecord) -> None:
    """A `:free` variant, from any source that lists one (OpenRouter, models.dev's and LiteLLM's copies of it), is a
    free rate-limited offer on its base model's route: its standard prices are the `free` tier, never the route's
    standard price (a $0 "cheapest route"); and its name loses " (free)", whichever source gave it."""
    if record.name:
        record.name = FREE_NAME_RE.sub("", record.name)
    for offering in record.offerings:
        for price in offering.prices:
            if price.service_tier == ServiceTier.STANDARD:
                price.service_tier = ServiceTier.FREE


def _resolve(index: IdentityIndex, source: str, record: ModelRecord, *, creates_snapshots: bool) -> Resolution:
    """One record's resolution under the snapshot policy. The id as the source publishes it is looked up first
    (a curator may have aliased it, run settings and harness suffixes included); the rules then match its tidied
    `match_id` when the source gives one."""
    own_alias = (source, record.external_id) in index.by_alias
    resolution = index.exact(source, record.external_id)
    if not resolution.slug:
        resolution = index.resolve(source, record.match_id or record.external_id, record.lab_hint)
    if not resolution.slug or own_alias:
        return resolution
    base = resolution.snapshot_of or index.base_of(resolution.slug)
    if not creates_snapshots and base:
        # A source that only reports on models puts a dated id on its undated model, whichever snapshot models
        # other sources made before it ran (so a score lands on the same model in any source order).
        return Resolution(base, "snapshot-base")
    if base and not resolution.snapshot_of:
        return Resolution(resolution.slug, resolution.rule, snapshot_of=base)
    return resolution


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
    """Records that resolved to one model become one, by the collision rule (docs/sources.md), so that no natural
    key occurs twice in a batch and a run never fails on a row:

    - records merge in resolution order (`id_order`): the first stated value of each fact wins;
    - aliases are combined; an alias (source, id) two models claim stays with the first and is counted;
    - routes are combined; a second route on the same provider/region/quantization adds only the prices of a
      service tier the first lacks (OpenRouter's `:free` offer on the base route), the rest is counted;
    - a price key (component, tier, threshold) stated twice on one route keeps the first, counted;
    - a score key (benchmark, version) stated twice on one model keeps the score of the first-ranked id; several
      runs of that one id keep the best (`best_score`); the others are counted.
    Counts go to `batch.collapsed`, which the run's notes report."""
    merged: dict[str, ModelRecord] = {}
    ranked_scores: dict[str, list[tuple[int, ScoreRecord]]] = defaultdict(list)
    ranks: dict[tuple[str, str], int] = {}
    for record in records:
        # Rows of one id share a rank: their scores are runs of one id, of which the best is kept.
        rank = ranks.setdefault((record.external_id, record.slug if not record.external_id else ""), len(ranks))
        ranked_scores[record.slug].extend((rank, score) for score in record.scores)
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
        if record.capabilities is not None:
            first.capabilities = sorted(set(first.capabilities or []) | set(record.capabilities))
        # One route saying "yes" outweighs another saying "no": a provider's limit is not the model's.
        first.capabilities_denied = sorted(
            (set(first.capabilities_denied) | set(record.capabilities_denied)) - set(first.capabilities or [])
        )
        routes = {(o.provider, o.region, o.quantization): o for o in first.offerings}
        for offering in record.offerings:
            kept = routes.get((offering.provider, offering.region, offering.quantization))
            if kept is None:
                routes[(offering.provider, offering.region, offering.quantization)] = offering
                first.offerings.append(offering)
                continue
            tiers = {price.service_tier for price in kept.prices}
            added = [price for price in offering.prices if price.service_tier not in tiers]
            kept.prices.extend(added)
            if len(added) < len(offering.prices) or not offering.prices:
                batch.skip("duplicate route: same model and provider under another id")
    benchmarks = {benchmark.slug: benchmark for benchmark in batch.benchmarks}
    aliases_taken: dict[tuple[str, str], str] = {}
    for slug, record in merged.items():
        record.scores = _collapse_scores(ranked_scores[slug], benchmarks, batch)
        for offering in record.offerings:
            prices: dict[tuple[str, str, int], PriceRecord] = {}
            for price in offering.prices:
                if prices.setdefault(price.key, price) is not price:
                    batch.collapsed["duplicate price (the first-ranked id's kept)"] += 1
            offering.prices = list(prices.values())
        kept_aliases = []
        for alias in record.aliases:
            if aliases_taken.setdefault(alias, slug) == slug:
                kept_aliases.append(alias)
            else:
                batch.collapsed["duplicate alias (kept on the first model that claims it)"] += 1
        record.aliases = kept_aliases
    return list(merged.values())


def best_score(scores: list[ScoreRecord], higher_is_better: bool = True) -> ScoreRecord:
    """The one run of a model kept among several on one benchmark and setting: the best value (Epoch's "best
    run"), then the latest measured, then the first given."""
    sign = 1 if higher_is_better else -1
    return max(reversed(scores), key=lambda score: (sign * score.value, score.measured_on or dt.date.min))


def _collapse_scores(
    ranked: list[tuple[int, ScoreRecord]], benchmarks: dict[str, BenchmarkRecord], batch: Batch
) -> list[ScoreRecord]:
    groups: dict[tuple[str, str], list[tuple[int, ScoreRecord]]] = defaultdict(list)
    for rank, score in ranked:
        groups[(score.benchmark, score.version)].append((rank, score))
    kept = []
    for (benchmark, _), group in groups.items():
        top = min(rank for rank, _ in group)
        candidates = [score for rank, score in group if rank == top]
        definition = benchmarks.get(benchmark)
        kept.append(best_score(candidates, definition.higher_is_better if definition else True))
        if len(group) > 1:
            batch.collapsed["duplicate score (the first-ranked id's best run kept)"] += len(group) - 1
    return kept
