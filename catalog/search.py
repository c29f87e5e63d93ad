"""Forgiving model search, the text side (pure: no ORM). LanguageModelQuerySet.search is the one search the
browser and the API's `q` use: it reads every model's name, slug and aliases (2 queries) and asks this module.

A text is read as runs of letters and runs of digits, everything else (spaces, punctuation) ignored:
"GPT-4o mini" is gpt·4·o·mini, "claude-sonnet-4-5-20250929" is claude·sonnet·4·5·20250929.

1. Match: each query word, its runs joined ("gpt4o", "sonnet 4.5" -> "sonnet", "45"), must be found in a model's
   name, slug or one of its aliases starting where a run starts and ending where a run ends, or inside a run of
   letters after at least 2 of them ("son" finds Sonnet; "gpt4o" finds GPT-4o but not "GPT-4 (older)", and
   "gpt-4.1" not "gpt-4-1106"). So spacing and punctuation never matter, and word order is free.
2. Typos, when no model matches so: each query word close to a run or 2-4 consecutive runs of a name or slug
   (difflib's ratio at least FUZZY_RATIO, the same digits in the same order, words of at most 3 characters exact):
   "claude sonet" finds the Claude Sonnets, "gtp4o" GPT-4o, "deepsek" DeepSeek; "4.1" never finds "4.5".
3. "Did you mean": the names closest to the whole query, for a search that matched nothing (or only by typo).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

_RUN = re.compile(r"\d+|[^\W\d_]+")
_DIGITS = re.compile(r"\d+")
FUZZY_RATIO = 0.78
SUGGEST_RATIO = 0.5
SUGGEST_WORD_RATIO = 0.7
MIN_PARTIAL = 2
MAX_GRAM = 4


def runs(text: str) -> list[str]:
    """'GPT-4o mini' -> ['gpt', '4', 'o', 'mini']."""
    return _RUN.findall(text.lower())


def squash(text: str) -> str:
    """Lower case without spaces or punctuation: 'Claude Sonnet 4.5' -> 'claudesonnet45'."""
    return "".join(runs(text))


def query_words(text: str) -> list[str]:
    """The query's words (split on spaces), squashed: 'sonnet 4.5' -> ['sonnet', '45']."""
    return [word for word in (squash(part) for part in text.split()) if word]


@dataclass(frozen=True)
class Text:
    """One name, slug or alias, squashed, with where each of its runs starts and which are letters."""

    squashed: str
    starts: tuple[int, ...]
    letters: tuple[bool, ...]

    @classmethod
    def of(cls, text: str) -> Text:
        parts = runs(text)
        starts, position = [], 0
        for part in parts:
            starts.append(position)
            position += len(part)
        return cls("".join(parts), tuple(starts), tuple(not part.isdigit() for part in parts))

    def has(self, word: str) -> bool:
        """Whether `word` is found starting at a run and ending at a run's end (or 2+ letters into one)."""
        begin = self.squashed.find(word)
        while begin != -1:
            if begin in self.starts and self._ends_well(begin + len(word)):
                return True
            begin = self.squashed.find(word, begin + 1)
        return False

    def _ends_well(self, end: int) -> bool:
        if end == len(self.squashed) or end in self.starts:
            return True
        run = max(index for index, start in enumerate(self.starts) if start < end)
        return self.letters[run] and end - self.starts[run] >= MIN_PARTIAL


def grams(text: str) -> set[str]:
    """A text's runs and runs of up to MAX_GRAM consecutive runs joined: 'GPT-4o mini' -> gpt, 4, o, mini, gpt4,
    4o, omini, gpt4o, 4omini..."""
    parts = runs(text)
    return {"".join(parts[i : i + size]) for i in range(len(parts)) for size in range(1, MAX_GRAM + 1)}


def close(word: str, gram: str) -> float:
    """How close a query word is to a gram, 0 to 1: exact 1; short words and differing digits 0."""
    if word == gram:
        return 1.0
    if len(word) <= 3 or abs(len(word) - len(gram)) > 2:
        return 0.0
    if _DIGITS.findall(word) != _DIGITS.findall(gram):
        return 0.0
    matcher = SequenceMatcher(None, word, gram)
    if matcher.real_quick_ratio() < FUZZY_RATIO or matcher.quick_ratio() < FUZZY_RATIO:
        return 0.0
    return matcher.ratio()


@dataclass
class SearchIndex:
    """Every model's texts: {key: [name, slug, aliases...]} (the name first)."""

    texts: dict[int, list[str]] = field(default_factory=dict)
    # The catalog version it was read at (0: not kept between requests).
    version: int = 0
    # Each key's texts squashed together, and parsed: filled on first use (a kept index parses each text once).
    _everything: dict[int, str] = field(default_factory=dict, repr=False)
    _parsed: dict[int, list[Text]] = field(default_factory=dict, repr=False)

    def add(self, key: int, text: str) -> None:
        self.texts.setdefault(key, []).append(text)

    def matching(self, text: str) -> set[int]:
        """The keys whose texts hold every query word (rule 1)."""
        words = query_words(text)
        if not words:
            return set()
        found = set()
        for key, texts in self.texts.items():
            everything = self._everything.get(key)
            if everything is None:
                everything = self._everything[key] = squash(" ".join(texts))
            if any(word not in everything for word in words):
                continue  # the cheap test first: most models hold some word nowhere
            parsed = self._parsed.get(key)
            if parsed is None:
                parsed = self._parsed[key] = [Text.of(t) for t in texts]
            if all(any(p.has(word) for p in parsed) for word in words):
                found.add(key)
        return found

    def close_to(self, text: str) -> dict[int, float]:
        """{key: mean closeness} of the keys whose name or slug has every query word a small typo away (rule 2)."""
        words = query_words(text)
        if not words:
            return {}
        by_gram: dict[str, set[int]] = {}
        for key, texts in self.texts.items():
            for name in texts[:2]:  # the name and the slug: aliases are ids, not what people misspell
                for gram in grams(name):
                    by_gram.setdefault(gram, set()).add(key)
        best: dict[int, list[float]] = {}
        for index, word in enumerate(words):
            for gram, keys in by_gram.items():  # each distinct gram once, however many models share it
                score = close(word, gram)
                if score < FUZZY_RATIO:
                    continue
                for key in keys:
                    scores = best.setdefault(key, [0.0] * len(words))
                    scores[index] = max(scores[index], score)
        return {key: sum(scores) / len(words) for key, scores in best.items() if min(scores) >= FUZZY_RATIO}

    def suggest(self, text: str, limit: int = 3) -> list[int]:
        """The keys whose names are closest to the query, best first (rule 3): to the whole query, or failing
        that, to its single closest word ("zzz sonnit" still suggests the Sonnets)."""
        names = {key: texts[0] for key, texts in self.texts.items()}
        found = [key for key, _ in suggestions(text, names.items(), limit=limit)]
        if found:
            return found
        scores: dict[int, float] = {}
        words = [word for word in query_words(text) if len(word) >= 4]
        by_gram: dict[str, set[int]] = {}
        for key, name in names.items():
            for gram in grams(name):
                by_gram.setdefault(gram, set()).add(key)
        for word in words:
            for gram, keys in by_gram.items():
                if abs(len(word) - len(gram)) > 2:
                    continue
                matcher = SequenceMatcher(None, word, gram)
                if matcher.quick_ratio() < SUGGEST_WORD_RATIO:
                    continue
                ratio = matcher.ratio()
                if ratio >= SUGGEST_WORD_RATIO:
                    for key in keys:
                        scores[key] = max(scores.get(key, 0.0), ratio)
        ranked = sorted(scores, key=lambda key: (-scores[key], names[key]))
        return ranked[:limit]


def suggestions(text: str, names: Iterable[tuple[int, str]], limit: int = 3) -> list[tuple[int, str]]:
    wanted = squash(text)
    if len(wanted) < 3:
        return []
    scored = []
    for key, name in names:
        squashed = squash(name)
        ratio = SequenceMatcher(None, wanted, squashed).ratio()
        # A query close to the start of a long name ("claude sonet" of "Claude Sonnet 4.5") counts too.
        prefix = SequenceMatcher(None, wanted, squashed[: len(wanted) + 1]).ratio() * 0.95
        score = max(ratio, prefix)
        if score >= SUGGEST_RATIO:
            scored.append((-score, name, key))
    return [(key, name) for _, name, key in sorted(scored)[:limit]]


__all__ = ["SearchIndex", "Text", "close", "grams", "query_words", "runs", "squash", "suggestions"]
