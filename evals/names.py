"""Name comparison per the gold spec: NFKC, case-fold, strip diacritics and punctuation, fuzzy >= 90."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

from schemas.names import fold_key as norm  # the spec's key, shared with the gazetteer

FUZZY_MIN = 90.0


def similarity(predicted: str, labels: list[str]) -> float:
    """Best match of a predicted name against a gold name and its aliases: 100 exact, else ratio.
    Cached: the matcher asks about the same few names for every pair of records it weighs."""
    return _similarity(predicted, tuple(labels))


@lru_cache(maxsize=1 << 16)
def _similarity(predicted: str, labels: tuple[str, ...]) -> float:
    p = norm(predicted)
    if not p:
        return 0.0
    best = 0.0
    for label in labels:
        g = norm(label)
        if p == g:
            return 100.0
        best = max(best, fuzz.ratio(p, g))
    return best if best >= FUZZY_MIN else 0.0


def matches(predicted: str, labels: list[str]) -> bool:
    return similarity(predicted, labels) > 0
