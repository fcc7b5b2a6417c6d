"""Inter-annotator agreement between two gold folders: the ceiling a model can be held to.

B is scored against A with the model eval's own matcher and scorers (so the keys are those of
`sitrep eval --json`), A against B under `reverse`, Cohen's kappa on certainty and status over
the matched pairs, and the records each side has that the other lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from evals.dataset import Sample, load_dataset
from evals.match import Pair, match_document
from evals.persist import match_key
from evals.predictions import as_predictions, load_predictions
from evals.score import DocScore
from evals.summary import EvalMeta, EvalRun, Summary, summarise
from extract.ground import locate
from schemas import kinds
from schemas.gold import GoldError, GoldFile

AGREEMENT = "agreement"


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    """(p_o - p_e) / (1 - p_e) over paired labels; None without pairs. When both sides used one
    and the same label throughout, p_e = p_o = 1 and the agreement is perfect: 1.0."""
    if len(a) != len(b):
        raise ValueError("kappa needs paired labels")
    if not a:
        return None
    n = len(a)
    p_o = sum(x == y for x, y in zip(a, b, strict=True)) / n
    p_e = sum((a.count(label) / n) * (b.count(label) / n) for label in set(a) | set(b))
    return 1.0 if p_e == 1 else (p_o - p_e) / (1 - p_e)


@dataclass
class Agreement:
    meta: EvalMeta
    forward: EvalRun  # B scored against A
    reverse: Summary  # A scored against B
    kappa: dict[str, float | None]
    kappa_n: dict[str, int]
    only_in_a: list[dict[str, str]] = field(default_factory=list)
    only_in_b: list[dict[str, str]] = field(default_factory=list)
    unshared: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {**self.forward.summary.to_json(), "meta": self.meta.to_json(), "reverse": self.reverse.to_json(),
                "kappa": self.kappa, "kappa_n": self.kappa_n, "only_in_a": self.only_in_a,
                "only_in_b": self.only_in_b, "documents_not_shared": self.unshared}


def _score(sample: Sample, other: GoldFile) -> DocScore:
    preds = as_predictions(other)
    quotes = [q for items in preds.values() for p in items for q in p.record.evidence]
    return DocScore(sample.id, "ok", match_document(preds, sample.gold), match_document(preds, sample.gold, "lenient"),
                    quotes=len(quotes), grounded_quotes=sum(locate(q, sample.text).grounded for q in quotes),
                    text=sample.text)


def _labels(docs: list[DocScore]) -> tuple[dict[str, tuple[list[str], list[str]]], dict[str, int]]:
    pairs: dict[str, tuple[list[str], list[str]]] = {"certainty": ([], []), "status": ([], [])}
    for d in docs:
        for kind in kinds.events():
            for p in d.results[kind.name].pairs:
                if p.outcome == "tp":
                    _add(pairs["certainty"], p.gold.certainty, p.pred.record.certainty)
                    if "status" in kind.model.model_fields:
                        _add(pairs["status"], p.gold.status, p.pred.record.status)
    return pairs, {k: len(v[0]) for k, v in pairs.items()}


def _add(into: tuple[list[str], list[str]], a: Any, b: Any) -> None:
    into[0].append(str(getattr(a, "value", a)))
    into[1].append(str(getattr(b, "value", b)))


def _unmatched(docs: list[DocScore], outcome: str, side: str) -> list[dict[str, str]]:
    """B against A: A's required records left unmatched (fn) are what B lacks; B's records that fit
    no record of A (fp) are what A lacks."""
    return [_row(d.doc_id, kind, p, side) for d in docs for kind, result in d.results.items()
            for p in result.pairs if p.outcome == outcome]


def _row(doc_id: str, kind: str, pair: Pair, side: str) -> dict[str, str]:
    record = pair.gold if pair.outcome == "fn" else pair.pred.record
    return {"side": side, "doc": doc_id, "type": kind, "record": match_key(kind, record)}


def agreement(dir_a: Path, dir_b: Path) -> Agreement:
    """Agreement on the documents both folders annotate (matched by document.id)."""
    samples_a = {s.id: s for s in load_dataset(dir_a)}
    files_b = load_predictions(dir_b)
    shared = sorted(set(samples_a) & set(files_b))
    if not shared:
        raise GoldError(f"{dir_a} and {dir_b} share no document.id")
    forward = [_score(samples_a[i], files_b[i]) for i in shared]
    reverse = [_score(Sample(samples_a[i].path, files_b[i], samples_a[i].text), samples_a[i].gold) for i in shared]
    labels, kappa_n = _labels(forward)
    meta = EvalMeta(str(dir_a.resolve()), AGREEMENT, str(dir_b.resolve()), datetime.now(),
                    predictions_dir=str(dir_b.resolve()))
    return Agreement(meta, EvalRun(meta, summarise(forward), forward), summarise(reverse),
                     {k: cohen_kappa(*v) for k, v in labels.items()}, kappa_n,
                     only_in_a=_unmatched(forward, "fn", "A"), only_in_b=_unmatched(forward, "fp", "B"),
                     unshared={"a": sorted(set(samples_a) - set(files_b)), "b": sorted(set(files_b) - set(samples_a))})
