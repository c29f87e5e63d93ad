"""What the upsert's steps share: thresholds, the run's tally, and small helpers on values."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from providers.models import ChangeEvent, Disagreement, SyncRun
from providers.sync.records import Rejection
from providers.sync.sources import source_rank

# Model facts whose disagreement between sources is worth a curator's look.
DISPUTED_FACTS = frozenset({"context_window", "max_output_tokens", "knowledge_cutoff", "release_date"})
PRICE_DISAGREEMENT = Decimal("0.05")  # relative difference above which two sources' prices disagree
HOLD_RATIO = Decimal(5)  # a change larger than this factor is held for review
UNIT_JUMPS = (Decimal(100), Decimal(1000), Decimal(1_000_000))  # cents, per-1K vs per-1M, per-token vs per-1M
RETIREMENT_GUARD = Decimal("0.10")  # more than this share of a source's routes vanishing aborts retirement


@dataclass
class Tally:
    """created / updated / unchanged (and held) per kind of row."""

    by_kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.by_kind[kind][outcome] += n

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.by_kind.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {kind: dict(sorted(counter.items())) for kind, counter in sorted(self.by_kind.items())}


@dataclass
class Outcome:
    tally: Tally
    rejections: list[Rejection]
    notes: list[str]


def _changes(obj: Any, values: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Set the attributes of `obj` that differ from `values`; return (field, old, new) for each."""
    changed = []
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            setattr(obj, name, new)
            changed.append((name, old, new))
    return changed


def _given(record: Any, names: Iterable[str]) -> dict[str, Any]:
    """The fields the source actually stated (None means it did not say)."""
    return {name: getattr(record, name) for name in names if getattr(record, name) is not None}


# Tolerances per fact: within them two sources state the same thing and no disagreement is recorded. Written once
# here (docs/sources.md, "Disagreements", says them in words).
TOKEN_COUNT_TOLERANCE = Decimal("0.025")  # context windows and output limits: 131,072 vs 131,100
# 1,048,576 vs 1,000,000: a power-of-two "1M" (2^20) against a decimal one, and the same for any multiple.
BINARY_ROUNDING = Decimal(2**20) / Decimal(10**6)
BINARY_ROUNDING_SLACK = Decimal("0.001")
DATE_TOLERANCE = dt.timedelta(days=31)  # release dates and cutoffs a few days or one month apart
TOKEN_COUNT_FACTS = frozenset({"context_window", "max_output_tokens"})
DATE_FACTS = frozenset({"release_date", "knowledge_cutoff", "deprecation_date", "retirement_date"})


def _as_span(value: Any) -> tuple[dt.date, dt.date] | None:
    """The days a date means: a date is itself; 'YYYY-MM' is that month and 'YYYY' that year (a cutoff of
    '2023-09' and one of '2023-10-31', OpenRouter's month-end way of saying October, are a month apart)."""
    if isinstance(value, dt.date):
        return value, value
    if not isinstance(value, str):
        return None
    try:
        numbers = [int(part) for part in value.strip()[:10].split("-")]
        if len(numbers) >= 3:
            day = dt.date(numbers[0], numbers[1], numbers[2])
            return day, day
        if len(numbers) == 2:
            first = dt.date(numbers[0], numbers[1], 1)
            following = dt.date(numbers[0] + numbers[1] // 12, numbers[1] % 12 + 1, 1)
            return first, following - dt.timedelta(days=1)
        return dt.date(numbers[0], 1, 1), dt.date(numbers[0], 12, 31)
    except (ValueError, IndexError):
        return None


def _same(name: str, current: Any, new: Any) -> bool:
    """Equal facts, within the fact's tolerance: a cutoff of 2023-10 and one of 2023-10-31 say the same thing, and
    so do context windows of 131,072 and 131,100 tokens, or release dates a week apart."""
    if current == new:
        return True
    if name in TOKEN_COUNT_FACTS and isinstance(current, int) and isinstance(new, int) and current > 0 and new > 0:
        high, low = Decimal(max(current, new)), Decimal(min(current, new))
        if (high - low) / high <= TOKEN_COUNT_TOLERANCE:
            return True
        return abs(high / low - BINARY_ROUNDING) <= BINARY_ROUNDING_SLACK
    if name in DATE_FACTS:
        texts = isinstance(current, str) and isinstance(new, str) and bool(current) and bool(new)
        if texts and (current.startswith(new) or new.startswith(current)):
            return True
        first, second = _as_span(current), _as_span(new)
        if first is not None and second is not None:
            gap = max(first[0], second[0]) - min(first[1], second[1])  # 0 or less when they overlap
            return gap <= DATE_TOLERANCE
    return False


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def hold_reason(old: Decimal, new: Decimal) -> str:
    """Why a change from `old` to `new` must wait for a curator, or "" when it may apply."""
    if old <= 0 or new <= 0:
        return ""
    ratio = max(old, new) / min(old, new)
    for jump in UNIT_JUMPS:
        if abs(ratio - jump) / jump < Decimal("0.02"):
            return f"looks like a unit error: x{jump.normalize():f}"
    if ratio > HOLD_RATIO:
        return f"changes by more than {HOLD_RATIO}x (x{ratio:.1f})"
    return ""


class Writer:
    """What every step of one run shares: the source, its rank, the time, and what the run has done so far."""

    def __init__(self, *, source: str, run: SyncRun | None, now: dt.datetime) -> None:
        self.source = source
        self.run = run
        self.now = now
        self.rank = source_rank(source)
        self.tally = Tally()
        self.rejections: list[Rejection] = []
        self.notes: list[str] = []
        self.events: list[ChangeEvent] = []
        self.model_outcomes: dict[str, str] = {}
        self.disagreements: dict[tuple[Any, ...], Disagreement] | None = None

    def changed_model_ids(self) -> set[int] | None:
        """The models whose cheapest route this run may have changed: every change is an event naming its model
        or route. None (all of them) when a provider changed, since its kind and name break price ties."""
        if self.tally.by_kind.get("provider", Counter())["updated"]:
            return None
        ids = {event.model_id for event in self.events if event.model_id}
        ids.update(event.offering.model_id for event in self.events if event.offering is not None)
        return ids

    def event(self, kind: str, summary: str, **fields: Any) -> None:
        self.events.append(ChangeEvent.make(kind, summary, occurred_at=self.now, sync_run=self.run, **fields))
