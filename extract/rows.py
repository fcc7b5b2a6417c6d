"""Ground every record's evidence and flatten records into table rows for the store.

A record is grounded when all its quotes are found in the text. An ungrounded record is kept,
flagged, and its confidence halved: nothing is silently dropped.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from extract.ground import Span, ground_quotes
from schemas.records import Extraction

UNGROUNDED_PENALTY = 0.5
RECORD_TYPES = ("actors", "transfers", "meetings", "deployments")


def all_quotes(extraction: BaseModel) -> list[str]:
    return [q for kind in RECORD_TYPES for r in getattr(extraction, kind, []) for q in r.evidence]


def _range(prefix: str, value: Any) -> dict[str, Any]:
    return {f"{prefix}_min": value.min if value else None, f"{prefix}_max": value.max if value else None,
            f"{prefix}_text": value.text if value else None}


def _fields(kind: str, r: Any) -> dict[str, Any]:
    if kind == "actors":
        return {"name": r.name, "aliases": r.aliases, "kind": r.kind.value, "country": r.country, "role": r.role}
    when = {"when_start": r.when.start, "when_end": r.when.end, "certainty": r.certainty.value}
    if kind == "transfers":
        q = _range("quantity", r.quantity)
        return {"supplier": r.supplier, "recipient": r.recipient, "weapon": r.weapon.name,
                "category": r.weapon.category.value, **q, "status": r.status.value, **when}
    if kind == "meetings":
        return {"participants": r.participants, "place": r.location.place, "country": r.location.country,
                "format": r.format.value, "topics": r.topics, **when}
    return {"sender": r.sender, "host": r.host, "forces": r.forces, "place": r.location.place,
            "country": r.location.country, **_range("size", r.size), **_range("killed", r.killed), **when}


def grounded_confidence(record: BaseModel, spans: list[Span]) -> tuple[bool, float]:
    grounded = bool(spans) and all(s.grounded for s in spans)
    confidence = record.confidence if grounded else record.confidence * UNGROUNDED_PENALTY
    return grounded, round(confidence, 4)


def to_rows(extraction: Extraction, text: str) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {kind: [] for kind in (*RECORD_TYPES, "evidence")}
    for kind in RECORD_TYPES:
        for idx, record in enumerate(getattr(extraction, kind)):
            spans = ground_quotes(record.evidence, text)
            grounded, confidence = grounded_confidence(record, spans)
            tables[kind].append({"idx": idx, **_fields(kind, record), "confidence": confidence,
                                 "grounded": grounded, "record": record.model_dump_json()})
            tables["evidence"] += [
                {"record_type": kind, "record_idx": idx, "quote_idx": i, "quote": s.quote, "start_char": s.start,
                 "end_char": s.end, "method": s.method, "grounded": s.grounded}
                for i, s in enumerate(spans)
            ]
    return tables
