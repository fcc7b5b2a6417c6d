"""Split long documents at paragraph boundaries and merge the per-chunk extractions.

Nothing is truncated: every character of the prompt text lands in exactly one chunk (a single
paragraph longer than the limit is split at sentence ends, then hard-split).
"""

from __future__ import annotations

import re

from schemas import kinds
from schemas.records import MAX_QUOTES, Extraction, union


def _parts(text: str, separator: str, start: int = 0) -> list[tuple[int, str]]:
    """re.split(separator, text) with each part's offset (plus `start`)."""
    out, pos = [], 0
    for m in re.finditer(separator, text):
        out.append((start + pos, text[pos:m.start()]))
        pos = m.end()
    return [*out, (start + pos, text[pos:])]


def _pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """Paragraphs (sentences, then hard cuts, for a paragraph over the limit) with their offsets."""
    out: list[tuple[int, str]] = []
    for at, para in _parts(text, r"(?<=\n)\s*\n"):
        if len(para) <= limit:
            out.append((at, para))
            continue
        for s_at, sentence in _parts(para, r"(?<=[.!?])\s+", at):
            out += [(s_at + i, sentence[i : i + limit]) for i in range(0, len(sentence), limit)]
    return out


def split(text: str, limit: int) -> list[str]:
    """Greedy packing of paragraphs into chunks of at most `limit` characters."""
    return [chunk for chunk, _ in split_spans(text, limit)]


def split_spans(text: str, limit: int) -> list[tuple[str, tuple[int, int]]]:
    """The chunks of `split` with the part of `text` each one covers (start, end): where grounding
    searches first for the quotes of that chunk's answer (extract/evidence.py). A chunk joins its
    paragraphs with a blank line, so it is not always a verbatim substring of the text."""
    if len(text) <= limit:
        return [(text, (0, len(text)))]
    chunks: list[tuple[str, tuple[int, int]]] = []
    current, start, end = "", 0, 0
    for at, piece in _pieces(text, limit):
        if current and len(current) + len(piece) + 2 > limit:
            chunks.append((current, (start, end)))
            current = ""
        if not current:
            start = at
        current = f"{current}\n\n{piece}" if current else piece
        end = at + len(piece)
    if current.strip():
        chunks.append((current, (start, end)))
    return chunks


def merge(parts: list[Extraction]) -> Extraction:
    """One extraction from many chunks: actors are merged later by normalise; events by key."""
    if len(parts) == 1:
        return parts[0]
    merged: dict[str, list] = {kinds.ACTORS.name: [a for p in parts for a in getattr(p, kinds.ACTORS.name)]}
    for kind in kinds.events():
        by_key: dict[tuple, object] = {}
        for record in (r for p in parts for r in getattr(p, kind.name)):
            key = kind.merge_key(record)
            if key in by_key:
                first = by_key[key]
                record = first.model_copy(update={"evidence": union(first.evidence, record.evidence, MAX_QUOTES),
                                                  "confidence": max(first.confidence, record.confidence)})
            by_key[key] = record
        merged[kind.name] = list(by_key.values())
    return type(parts[0]).model_construct(**merged)  # the parts' own container: every kind it carries
