"""Name comparison per the gold spec: NFKC, case-fold, strip diacritics and punctuation, fuzzy >= 90."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

FUZZY_MIN = 90.0
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


@lru_cache(maxsize=4096)
def norm(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", text).split())


def similarity(predicted: str, labels: list[str]) -> float:
    """Best match of a predicted name against a gold name and its aliases: 100 exact, else ratio."""
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
