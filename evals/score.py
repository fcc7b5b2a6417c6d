"""Scorers: precision/recall/F1, attribute accuracy, grounding, calibration, bootstrap intervals.

Pure functions over match results, so any dataset/task combination can reuse them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np

from evals.match import TypeResult, when_compatible
from evals.names import matches
from schemas import kinds
from schemas.kinds import value_at


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    scored: int = 0  # documents that produced predictions (not failed)

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        self.scored += other.scored

    def prf(self) -> dict[str, float]:
        """Nothing to find and nothing claimed scores 1.0 (a clean negative), but only where some
        document was scored: documents that all failed are no clean negative."""
        empty = 1.0 if self.scored else 0.0
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (empty if self.fn == 0 else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else (empty if self.fp == 0 else 0.0)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f1, "tp": self.tp, "fp": self.fp, "fn": self.fn}


def counts_of(result: TypeResult) -> Counts:
    return Counts(result.count("tp"), result.count("fp"), result.count("fn"), scored=1)


# --- attributes ---------------------------------------------------------------------------------
def _range_ok(pred: Any, gold: Any) -> bool | None:
    """Within the gold range; a gold range without bounds (only a phrase) states nothing to check."""
    if gold is None or gold.min is None and gold.max is None:
        return None
    if pred is None:
        return False
    lo = pred.min if pred.min is not None else pred.max
    hi = pred.max if pred.max is not None else pred.min
    if lo is None:
        return False
    return (gold.min is None or lo >= gold.min) and (gold.max is None or hi <= gold.max)


def _when_ok(pred: Any, gold: Any) -> bool | None:
    if not gold.start and not gold.end:
        return None
    if not pred.start and not pred.end:
        return False
    return when_compatible(pred, gold)


def _location_ok(pred: Any, gold: Any) -> bool | None:
    if not gold.place and not gold.country:
        return None
    if gold.place and pred.place and matches(pred.place, [gold.place]):
        return True
    return bool(gold.country and pred.country == gold.country and (not gold.place or not pred.place))


# How a predicted attribute is checked against gold; a kind's `scored` names the rule per attribute.
RULES: dict[str, Callable[[Any, Any], bool | None]] = {
    "same": lambda p, g: p == g,
    "stated": lambda p, g: None if g is None else p == g,  # only where gold states it
    "range": _range_ok,
    "when": _when_ok,
    "location": _location_ok,
}


def checks(kind: str) -> dict[str, Callable[[Any, Any], bool | None]]:
    """The kind's scored attributes by name ('category', 'when'): check(pred record, gold record)."""
    scored = kinds.get(kind).scored
    return {path.rsplit(".", 1)[-1]: partial(_check, path, RULES[rule]) for path, rule in scored.items()}


def _check(path: str, rule: Callable[[Any, Any], bool | None], pred: Any, gold: Any) -> bool | None:
    return rule(value_at(pred, path), value_at(gold, path))


def attribute_hits(results: dict[str, TypeResult]) -> dict[str, list[bool]]:
    """'transfers.status' → [True, False, …] over matched pairs where gold states the attribute."""
    hits: dict[str, list[bool]] = defaultdict(list)
    for kind, result in results.items():
        for pair in result.pairs:
            if pair.outcome != "tp":
                continue
            for name, check in checks(kind).items():
                ok = check(pair.pred.record, pair.gold)
                if ok is not None:
                    hits[f"{kind}.{name}"].append(bool(ok))
    return hits


# --- calibration ----------------------------------------------------------------------------------
def calibration_pairs(results: dict[str, TypeResult]) -> list[tuple[float, int]]:
    """(confidence, correct) for every scored prediction that states a confidence; optional
    matches and duplicates are left out."""
    return [(p.pred.confidence, int(p.outcome == "tp")) for r in results.values() for p in r.pairs
            if p.pred is not None and p.pred.confidence is not None and p.outcome in {"tp", "fp"}]


def brier(pairs: list[tuple[float, int]]) -> float | None:
    return float(np.mean([(c - y) ** 2 for c, y in pairs])) if pairs else None


def reliability(pairs: list[tuple[float, int]], bins: int = 10) -> list[dict[str, float]]:
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, y) for c, y in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if inside:
            out.append({"lo": lo, "hi": hi, "n": len(inside), "confidence": float(np.mean([c for c, _ in inside])),
                        "accuracy": float(np.mean([y for _, y in inside]))})
    return out


def ece(pairs: list[tuple[float, int]], bins: int = 10) -> float | None:
    if not pairs:
        return None
    return float(sum(b["n"] * abs(b["accuracy"] - b["confidence"]) for b in reliability(pairs, bins)) / len(pairs))


# --- set level ------------------------------------------------------------------------------------
@dataclass
class DocScore:
    doc_id: str
    status: str
    results: dict[str, TypeResult] = field(default_factory=dict)
    lenient: dict[str, TypeResult] = field(default_factory=dict)
    quotes: int = 0
    grounded_quotes: int = 0
    seconds: float = 0.0
    tokens: int = 0
    error: str | None = None
    text: str = ""  # the document, for the report's side-by-side section

    def counts(self, lenient: bool = False) -> dict[str, Counts]:
        source = self.lenient if lenient else self.results
        scored = int(self.status != "failed")
        return {k: replace(counts_of(source[k]), scored=scored) if k in source else Counts(scored=scored)
                for k in kinds.names()}

    def f1(self) -> float:
        """Micro F1 over the document's types; 0 for a failed document, never a clean negative's 1.0."""
        if self.status == "failed":
            return 0.0
        total = Counts()
        for c in self.counts().values():
            total.add(c)
        return total.prf()["f1"]


def micro(docs: list[DocScore], lenient: bool = False) -> dict[str, dict[str, float]]:
    per_type = {k: Counts() for k in kinds.names()}
    for d in docs:
        for k, c in d.counts(lenient).items():
            per_type[k].add(c)
    overall = Counts()
    for c in per_type.values():
        overall.add(c)
    return {**{k: c.prf() for k, c in per_type.items()}, "micro": overall.prf()}


def bootstrap_f1(docs: list[DocScore], samples: int = 1000, seed: int = 0) -> tuple[float, float] | None:
    """95 % interval of micro F1, resampling documents. Each document's counts are totalled once and a
    resample adds up its rows: the same draws and F1s as micro() over each resampled list, without
    re-counting every document's matches 1,000 times (seconds per eval)."""
    if len(docs) < 2:
        return None
    totals = np.array([_doc_total(d) for d in docs], dtype=np.int64)
    rng = np.random.default_rng(seed)
    values = [Counts(*(int(v) for v in totals[rng.integers(0, len(docs), len(docs))].sum(axis=0))).prf()["f1"]
              for _ in range(samples)]
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def _doc_total(doc: DocScore) -> tuple[int, int, int, int]:
    """tp, fp, fn and scored of one document over all kinds, as micro() adds them up."""
    total = Counts()
    for c in doc.counts().values():
        total.add(c)
    return total.tp, total.fp, total.fn, total.scored
