"""Split long documents at paragraph boundaries and merge the per-chunk extractions.

Nothing is truncated: every character of the prompt text lands in exactly one chunk (a single
paragraph longer than the limit is split at sentence ends, then hard-split).
"""

from __future__ import annotations

import re

from schemas import kinds
from schemas.records import MAX_QUOTES, Extraction, union


def _pieces(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for para in re.split(r"(?<=\n)\s*\n", text):
        if len(para) <= limit:
            out.append(para)
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", para):
            out += [sentence[i : i + limit] for i in range(0, len(sentence), limit)]
    return out


def split(text: str, limit: int) -> list[str]:
    """Greedy packing of paragraphs into chunks of at most `limit` characters."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and len(current) + len(piece) + 2 > limit:
            chunks.append(current)
            current = ""
        current = f"{current}\n\n{piece}" if current else piece
    if current.strip():
        chunks.append(current)
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
    return Extraction.model_construct(**merged)
