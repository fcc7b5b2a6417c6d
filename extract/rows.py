"""Flatten records into table rows for the store, with the spans their quotes were grounded at.

A record is grounded when all its quotes are found in the text (extract/evidence.py grounds them
once, while the answer is read; the rows carry those spans). An ungrounded record is kept,
flagged, and its confidence halved: nothing is silently dropped.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from extract.evidence import Grounding
from extract.ground import Span
from schemas import kinds
from schemas.records import Extraction

UNGROUNDED_PENALTY = 0.5


def all_quotes(extraction: BaseModel) -> list[str]:
    return [q for _, records in kinds.records_of(extraction) for r in records for q in r.evidence]


def grounded_confidence(record: BaseModel, spans: list[Span]) -> tuple[bool, float]:
    grounded = bool(spans) and all(s.grounded for s in spans)
    confidence = record.confidence if grounded else record.confidence * UNGROUNDED_PENALTY
    return grounded, round(confidence, 4)


def to_rows(extraction: Extraction, grounding: Grounding,
            raw: dict[str, list[float]] | None = None) -> dict[str, list[dict[str, Any]]]:
    """`raw`: per kind, each record's confidence before a calibration map (migration 007), stored
    beside the calibrated one with the same grounding penalty; absent when no map was applied."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in (*kinds.names(), "evidence")}
    for kind, records in kinds.records_of(extraction):
        for idx, record in enumerate(records):
            spans = [grounding.span(q) for q in record.evidence]
            grounded, confidence = grounded_confidence(record, spans)
            row = {"idx": idx, **kind.row(record), "confidence": confidence, "grounded": grounded,
                   "record": record.model_dump_json()}
            if raw is not None:
                row["raw_confidence"] = round(raw[kind.name][idx] * (1 if grounded else UNGROUNDED_PENALTY), 4)
            tables[kind.table].append(row)
            tables["evidence"] += [
                {"record_type": kind.name, "record_idx": idx, "quote_idx": i, "quote": s.quote, "start_char": s.start,
                 "end_char": s.end, "method": s.method, "grounded": s.grounded}
                for i, s in enumerate(spans)
            ]
    return tables
