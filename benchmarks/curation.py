"""A person's benchmark scores: the same rules as providers/curation.py, for the admin and the API alike.

- Validation first; nothing is written when anything is wrong (ValidationError with {field: message}).
- A curator's score is its own row, source "curator", which outranks every sync; syncs never touch it.
- Every change is a ChangeEvent naming the person, and a history row (django-simple-history) with who and what.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from benchmarks.models import Benchmark, BenchmarkScore
from catalog.models import LanguageModel
from lib.history import attribute
from providers.models import ChangeEvent

CURATOR = "curator"  # the source of a person's edits, as in providers.curation
MAX_SCORE = Decimal(10**8)  # the value column holds 12 digits, 4 of them after the point
MAX_VERSION = BenchmarkScore._meta.get_field("version").max_length or 0  # a CharField's: always set
MAX_URL = BenchmarkScore._meta.get_field("source_url").max_length or 0


def _actor(user: Any) -> str:
    return getattr(user, "get_username", lambda: "")() or "unknown"


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}"


def score_problems(
    *,
    benchmark: Benchmark,
    value: Decimal | None,
    measured_on: dt.date | None = None,
    version: str = "",
    source_url: str = "",
) -> dict[str, str]:
    """What is wrong with a score ({field: message}; empty when all is well)."""
    problems: dict[str, str] = {}
    if value is None:
        problems["value"] = "A score needs a value."
    elif not value.is_finite():
        problems["value"] = "The value must be a number."
    elif value < 0:
        problems["value"] = "A score cannot be negative."
    elif value >= MAX_SCORE:
        problems["value"] = f"{_shown(value)} is not a plausible score (the limit is {MAX_SCORE:,})."
    elif value.normalize().as_tuple().exponent < -4:  # type: ignore[operator]  # finite here: an int exponent
        problems["value"] = "Use at most 4 decimal places."
    elif benchmark.scale == Benchmark.Scale.PERCENT and value > 100:
        problems["value"] = f"{benchmark.name} is scored in percent: a score is at most 100."
    if measured_on and measured_on > timezone.localdate():
        problems["date"] = "A score cannot be dated in the future."
    if len(version) > MAX_VERSION:
        problems["version"] = f"At most {MAX_VERSION} characters."
    if source_url:
        try:
            URLValidator()(source_url)
        except ValidationError:
            problems["source_url"] = "Enter a valid URL."
        else:
            if len(source_url) > MAX_URL:
                problems["source_url"] = f"At most {MAX_URL} characters."
    return problems


@transaction.atomic
def set_score(
    benchmark: Benchmark,
    *,
    model: LanguageModel,
    value: Decimal | None,
    self_reported: bool,
    user: Any,
    version: str = "",
    measured_on: dt.date | None = None,
    source_url: str = "",
) -> tuple[BenchmarkScore, bool]:
    """Record a curator's score of `model` on `benchmark` (one per version): created, or updated in place when the
    curator already gave one for that version. Returns the score and whether it was created."""
    problems = score_problems(
        benchmark=benchmark, value=value, measured_on=measured_on, version=version, source_url=source_url
    )
    if problems:
        raise ValidationError(problems)
    assert value is not None
    values = {"value": value, "measured_on": measured_on, "source_url": source_url, "self_reported": self_reported}
    label = benchmark.name + (f" ({version})" if version else "")
    score = (
        BenchmarkScore.objects.select_for_update()
        .filter(model=model, benchmark=benchmark, source=CURATOR, version=version)
        .first()
    )
    now = timezone.now()
    if score is None:
        score = BenchmarkScore(model=model, benchmark=benchmark, source=CURATOR, version=version, **values)
        attribute(score, user)
        score.save()
        ChangeEvent.make(
            ChangeEvent.Kind.SCORE_ADDED,
            f"{model.name}: {label} {_shown(value)}",
            occurred_at=now,
            actor=_actor(user),
            model=model,
            field=label,
            new_value=_shown(value),
        ).save()
        return score, True
    changed = [name for name, new in values.items() if getattr(score, name) != new]
    if not changed:
        return score, False
    old_value = score.value
    for name in changed:
        setattr(score, name, values[name])
    attribute(score, user)
    score.save()
    if "value" in changed:
        summary = f"{model.name}: {label} {_shown(old_value)} → {_shown(value)}"
    else:
        summary = f"{model.name}: {label} {', '.join(changed)} updated"
    ChangeEvent.make(
        ChangeEvent.Kind.SCORE_CHANGED,
        summary,
        occurred_at=now,
        actor=_actor(user),
        model=model,
        field=label,
        old_value=_shown(old_value),
        new_value=_shown(value),
    ).save()
    return score, False
