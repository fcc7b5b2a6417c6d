"""Locate evidence quotes in the source text and record character offsets.

Levels, first hit wins: exact; folded (whitespace runs, curly quotes, dashes, ş/ș ţ/ț and other
cedilla/comma variants); deep-folded (also case and diacritics); fuzzy (rapidfuzz alignment,
ratio >= 90). Only exact and folded hits count as grounded: the spec requires a quote to occur
verbatim after whitespace normalisation. Fuzzy spans are kept for highlighting, not trusted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
        "\u015f": "\u0219", "\u015e": "\u0218", "\u0163": "\u021b", "\u0162": "\u021a",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2026": "...",
    }
)
FUZZY_MIN = 90.0


@dataclass(frozen=True)
class Span:
    quote: str
    start: int | None
    end: int | None
    method: str  # exact | folded | deep | fuzzy | none

    @property
    def grounded(self) -> bool:
        return self.method in {"exact", "folded", "deep"}


def _strip_marks(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def _piece(ch: str, deep: bool) -> str:
    """One character folded; cached, since NFD per character is most of the cost of folding an article."""
    piece = ch.translate(_FOLD)
    return _strip_marks(piece).casefold() if deep else piece


def fold(text: str, deep: bool = False) -> tuple[str, list[int]]:
    """Folded text and, for each folded character, its index in the original."""
    out: list[str] = []
    index: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        for c in _piece(ch, deep):
            if c.isspace():
                if prev_space:
                    continue
                c, prev_space = " ", True
            else:
                prev_space = False
            out.append(c)
            index.append(i)
    return "".join(out), index


@lru_cache(maxsize=8)
def _folded(text: str, deep: bool) -> tuple[str, list[int]]:
    return fold(text, deep)


def locate(quote: str, text: str) -> Span:
    """Find one quote in the text; never raises, returns method 'none' when absent."""
    quote = quote.strip().strip('"').strip()
    if not quote:
        return Span(quote, None, None, "none")
    pos = text.find(quote)
    if pos >= 0:
        return Span(quote, pos, pos + len(quote), "exact")
    for method, deep in (("folded", False), ("deep", True)):
        hay, index = _folded(text, deep)
        needle = fold(quote, deep)[0].strip()
        pos = hay.find(needle) if needle else -1
        if pos >= 0:
            return Span(quote, index[pos], index[pos + len(needle) - 1] + 1, method)
    return _fuzzy(quote, text)


def _fuzzy(quote: str, text: str) -> Span:
    hay, index = _folded(text, True)
    needle = fold(quote, True)[0].strip()
    if len(needle) < 12:
        return Span(quote, None, None, "none")
    found = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=FUZZY_MIN)
    if found is None or found.dest_end <= found.dest_start:
        return Span(quote, None, None, "none")
    start, end = index[found.dest_start], index[found.dest_end - 1] + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(quote, start, end, "fuzzy")


def ground_quotes(quotes: list[str], text: str) -> list[Span]:
    return [locate(q, text) for q in quotes]
