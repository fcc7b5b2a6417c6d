"""Per-document material for the HTML report: wrong attributes on matched pairs, gold and
predicted records side by side, and the text cut into segments with the evidence marked.

Everything here is plain data; the template renders it with autoescaping, so article text and
model output can never become markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.match import Pair
from evals.persist import match_key
from evals.score import DocScore, checks
from extract.ground import locate

# what the issue asks to see: certainty, status, the date and the quantities of matched pairs
SHOWN = ("certainty", "status", "when", "quantity", "size", "killed")


def show(value: Any) -> str:
    """A field as a person reads it: enum values, 'start – end', 'min–max (text)'."""
    if value is None:
        return "–"
    if hasattr(value, "value"):
        return str(value.value)
    if hasattr(value, "start") and hasattr(value, "end"):
        return f"{value.start or '?'} – {value.end or '?'}" if value.end and value.end != value.start \
            else value.start or "–"
    if hasattr(value, "min") and hasattr(value, "max"):
        span = str(value.min) if value.min == value.max else f"{value.min or '?'}–{value.max or '?'}"
        return span + (f" ({value.text})" if value.text else "")
    return str(value)


def attribute_errors(docs: list[DocScore]) -> list[dict[str, str]]:
    """Each wrong certainty, status, date or quantity on a matched (TP) pair, per document."""
    out = []
    for d in docs:
        for kind, result in d.results.items():
            for pair in result.pairs:
                if pair.outcome != "tp":
                    continue
                for name, check in checks(kind).items():
                    if name in SHOWN and check(pair.pred.record, pair.gold) is False:
                        out.append({"doc": d.doc_id, "type": kind, "record": match_key(kind, pair.gold),
                                    "attribute": name, "gold": show(getattr(pair.gold, name)),
                                    "predicted": show(getattr(pair.pred.record, name))})
    return out


@dataclass(frozen=True)
class Segment:
    text: str
    marks: str  # "" plain, "g" gold evidence, "p" predicted evidence, "gp" both


def segments(text: str, gold_quotes: list[str], pred_quotes: list[str],
             pred_spans: list[tuple[int, int]] | None = None) -> list[Segment]:
    """The text in runs of equal marking, so the template can wrap evidence in <mark>. Quotes are
    located here; sitrep's own predictions come with the spans the pipeline grounded them at."""
    flags = [[False, False] for _ in text]
    for side, quotes in enumerate((gold_quotes, pred_quotes)):
        found = [locate(quote, text) for quote in quotes]
        spans = [(s.start, s.end) for s in found if s.grounded and s.start is not None and s.end is not None]
        for start, end in [*spans, *((pred_spans or []) if side else [])]:
            for i in range(start, end):
                flags[i][side] = True
    out: list[Segment] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or flags[i] != flags[start]:
            marks = ("g" if flags[start][0] else "") + ("p" if flags[start][1] else "")
            out.append(Segment(text[start:i], marks))
            start = i
    return out


def _describe(kind: str, record: Any | None) -> str:
    if record is None:
        return ""
    shown = {name: show(getattr(record, name)) for name in SHOWN if name in checks(kind)}
    extra = [f"{name} {value}" for name, value in shown.items() if value != "–"]
    return match_key(kind, record) + (f" · {', '.join(extra)}" if extra else "")


def _row(kind: str, pair: Pair) -> dict[str, str]:
    return {"type": kind, "outcome": pair.outcome, "gold": _describe(kind, pair.gold),
            "predicted": _describe(kind, pair.pred.record if pair.pred else None)}


def document_view(doc: DocScore) -> dict[str, Any]:
    """One document: its records side by side (gold | predicted) and its marked text."""
    rows = [_row(kind, p) for kind, result in doc.results.items() for p in result.pairs]
    gold_q = [q for r in doc.results.values() for p in r.pairs if p.gold is not None for q in p.gold.evidence]
    preds = [p.pred for r in doc.results.values() for p in r.pairs if p.pred is not None]
    pred_q = [q for p in preds if p.spans is None for q in p.record.evidence]
    pred_spans = [s for p in preds if p.spans is not None for s in p.spans]
    return {"id": doc.doc_id, "f1": doc.f1(), "status": doc.status, "rows": rows,
            "segments": segments(doc.text, gold_q, pred_q, pred_spans) if doc.text else []}
