"""Typed results of an eval: the set summary, the run's metadata, and the run itself.

The CLI, the reports and the store read these fields by attribute, so a renamed or missing
score is a type error rather than a KeyError in a template. `to_json` keeps the JSON keys of
`sitrep eval --json` (`f1.micro`, `strict.actors.tp`, ...), which other tools read.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from evals.score import DocScore, attribute_hits, bootstrap_f1, brier, calibration_pairs, ece, micro, reliability
from schemas import kinds

COLUMNS = (*kinds.names(), "micro")


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


@dataclass(frozen=True)
class AttributeScore:
    accuracy: float
    n: int


@dataclass(frozen=True)
class Bin:
    lo: float
    hi: float
    n: int
    confidence: float
    accuracy: float


@dataclass(frozen=True)
class Spread:
    """F1 over repeated extractions of the same set."""

    n: int
    mean: float
    sd: float
    values: list[float]


@dataclass(frozen=True)
class FailedDoc:
    doc_id: str
    error: str | None


@dataclass
class Summary:
    documents: int
    strict: dict[str, PRF]
    lenient: dict[str, PRF]
    macro_f1: float
    attributes: dict[str, AttributeScore]
    grounding_rate: float | None
    schema_valid_rate: float | None
    brier: float | None
    ece: float | None
    reliability: list[Bin]
    calibration_n: int
    seconds_per_doc: float
    tokens_per_doc: float
    f1_ci95: tuple[float, float] | None
    failed: list[FailedDoc] = field(default_factory=list)
    repeats_f1: Spread | None = None

    @property
    def f1(self) -> dict[str, float]:
        return {k: v.f1 for k, v in self.strict.items()}

    @property
    def f1_lenient(self) -> dict[str, float]:
        return {k: v.f1 for k, v in self.lenient.items()}

    @property
    def failed_share(self) -> float:
        return len(self.failed) / self.documents if self.documents else 0.0

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        return {**out, "f1": self.f1, "f1_lenient": self.f1_lenient, "failed_share": self.failed_share}


@dataclass
class EvalMeta:
    """What was scored against what. `provider` is "predictions" (and `model` the folder) when
    another system's output was scored, "agreement" for a second annotator's folder."""

    gold_dir: str
    provider: str
    model: str
    started_at: datetime
    prompt_version: str = ""
    prompt_hash: str = ""
    schema_version: int = 0
    repeats: int = 1
    variant: str = ""
    predictions_dir: str | None = None
    eval_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "started_at": self.started_at.isoformat(timespec="seconds")}


@dataclass
class EvalRun:
    meta: EvalMeta
    summary: Summary
    docs: list[DocScore]
    ceiling: dict[str, float] | None = None  # annotator agreement F1 on the same gold, when one is stored

    def to_json(self) -> dict[str, Any]:
        per_doc = [{"id": d.doc_id, "status": d.status, "f1": d.f1(), "seconds": d.seconds, "tokens": d.tokens,
                    "error": d.error, **{k: v.prf() for k, v in d.counts().items()}} for d in self.docs]
        return {**self.summary.to_json(), "meta": self.meta.to_json(), "agreement_f1": self.ceiling,
                "per_document": per_doc}


def _prf(values: dict[str, dict[str, float]]) -> dict[str, PRF]:
    return {k: PRF(**v) for k, v in values.items()}


def summarise(docs: list[DocScore]) -> Summary:
    """Set-level scores. A failed document keeps its gold as false negatives and scores 0 in the
    macro mean: it never passes as a clean negative."""
    all_results = [d.results for d in docs if d.results]
    pairs = [p for r in all_results for p in calibration_pairs(r)]
    hits: dict[str, list[bool]] = defaultdict(list)
    for r in all_results:
        for name, values in attribute_hits(r).items():
            hits[name] += values
    quotes = sum(d.quotes for d in docs)
    failed = [FailedDoc(d.doc_id, d.error) for d in docs if d.status == "failed"]
    return Summary(
        documents=len(docs), strict=_prf(micro(docs)), lenient=_prf(micro(docs, lenient=True)),
        macro_f1=float(np.mean([d.f1() for d in docs])) if docs else 0.0,
        attributes={k: AttributeScore(sum(v) / len(v), len(v)) for k, v in sorted(hits.items())},
        grounding_rate=sum(d.grounded_quotes for d in docs) / quotes if quotes else None,
        schema_valid_rate=(len(docs) - len(failed)) / len(docs) if docs else None,
        brier=brier(pairs), ece=ece(pairs), reliability=[Bin(**b) for b in reliability(pairs)],
        calibration_n=len(pairs),
        seconds_per_doc=float(np.mean([d.seconds for d in docs])) if docs else 0.0,
        tokens_per_doc=float(np.mean([d.tokens for d in docs])) if docs else 0.0,
        f1_ci95=bootstrap_f1(docs), failed=failed)


def spread(repeats: list[Summary]) -> Spread | None:
    values = [s.f1["micro"] for s in repeats]
    return Spread(len(values), statistics.mean(values), statistics.stdev(values), values) if len(values) > 1 else None
