"""Match predictions to gold for one document, per ../shared/spec/gold-format.md.

Per record type: predictions are resolved against the gold actors (role fields) and weapons,
collapsed when they share a match key (the most confident is kept), then assigned one-to-one to
gold by maximum-weight matching (scipy's linear_sum_assignment). Matches to `optional` gold are
neither true nor false positives; unmatched optional gold is no false negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from evals.names import matches, norm, similarity

TYPES = ("actors", "transfers", "meetings", "deployments")


@dataclass
class Pred:
    record: Any
    confidence: float
    grounded: bool = True


@dataclass
class Pair:
    pred: Pred | None
    gold: Any | None
    outcome: str  # tp | fp | fn | optional


@dataclass
class TypeResult:
    kind: str
    mode: str
    pairs: list[Pair] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(p.outcome == outcome for p in self.pairs)


class GoldIndex:
    """Gold actors by name, for resolving the strings in role fields."""

    def __init__(self, gold_actors: list[Any]) -> None:
        self.labels = {a.name: [a.name, *a.aliases] for a in gold_actors}

    def labels_of(self, name: str) -> list[str]:
        return self.labels.get(name, [name])

    def resolve(self, predicted: str) -> str:
        """The gold actor a predicted string names, else the normalised string itself."""
        best, score = None, 0.0
        for name, labels in self.labels.items():
            s = similarity(predicted, labels)
            if s > score:
                best, score = name, s
        return best if best is not None else f"?{norm(predicted)}"

    def role_match(self, predicted: str, gold_name: str) -> bool:
        return matches(predicted, self.labels_of(gold_name))


def is_generic(weapon_name: str) -> bool:
    """'artillery shells', 'rockets' (no digits, all lower case) rather than 'Hwasong-11A'."""
    return weapon_name == weapon_name.lower() and not any(c.isdigit() for c in weapon_name)


def when_compatible(a: Any, b: Any) -> bool:
    """Intervals overlap at their stated precision, or either is unknown."""
    a_start, a_end = a.start, a.end or a.start
    b_start, b_end = b.start, b.end or b.start
    if not a_start and not a_end or not b_start and not b_end:
        return True
    lo_a, hi_a = (a_start or "0000"), (a_end or "9999")
    lo_b, hi_b = (b_start or "0000"), (b_end or "9999")
    return lo_a[: len(hi_b)] <= hi_b and lo_b[: len(hi_a)] <= hi_a


def _weapon_ok(pred: Any, gold: Any) -> bool:
    if matches(pred.weapon.name, [gold.weapon.name, *getattr(gold.weapon, "aliases", [])]):
        return True
    return is_generic(gold.weapon.name) and pred.weapon.category == gold.weapon.category


def _participants(pred: Any, gold: Any, index: GoldIndex) -> float:
    predicted = {index.resolve(p) for p in pred.participants}
    wanted = set(gold.participants)
    return len(predicted & wanted) / len(predicted | wanted) if predicted | wanted else 0.0


def pair_weight(kind: str, pred: Any, gold: Any, index: GoldIndex, mode: str) -> float:
    """0 when the pair cannot match; otherwise higher for closer pairs."""
    if kind == "actors":
        return similarity(pred.name, [gold.name, *gold.aliases]) / 100
    if kind == "transfers":
        if not (index.role_match(pred.supplier, gold.supplier) and index.role_match(pred.recipient, gold.recipient)):
            return 0.0
        ok = pred.weapon.category == gold.weapon.category if mode == "lenient" else _weapon_ok(pred, gold)
        return 1.0 if ok else 0.0
    if kind == "meetings":
        overlap = _participants(pred, gold, index)
        if overlap < 0.5 or (mode == "strict" and not when_compatible(pred.when, gold.when)):
            return 0.0
        return overlap
    ok = index.role_match(pred.sender, gold.sender) and index.role_match(pred.host, gold.host)
    return 1.0 if ok else 0.0


def match_key(kind: str, pred: Any, index: GoldIndex, gold: list[Any]) -> tuple:
    """Predictions naming the same things are one prediction."""
    if kind == "actors":
        return (index.resolve(pred.name),)
    if kind == "transfers":
        weapon = next((i for i, g in enumerate(gold) if _weapon_ok(pred, g)), f"?{norm(pred.weapon.name)}")
        return (index.resolve(pred.supplier), index.resolve(pred.recipient), weapon)
    if kind == "meetings":
        return (frozenset(index.resolve(p) for p in pred.participants), pred.when.start)
    return (index.resolve(pred.sender), index.resolve(pred.host))


def dedupe(kind: str, preds: list[Pred], index: GoldIndex, gold: list[Any]) -> list[Pred]:
    best: dict[tuple, Pred] = {}
    for p in preds:
        key = match_key(kind, p.record, index, gold)
        if key not in best or p.confidence > best[key].confidence:
            best[key] = p
    return list(best.values())


def match_type(kind: str, preds: list[Pred], gold: list[Any], index: GoldIndex, mode: str) -> TypeResult:
    preds = dedupe(kind, preds, index, gold)
    result = TypeResult(kind, mode)
    weights = np.zeros((len(preds), len(gold)))
    for i, p in enumerate(preds):
        for j, g in enumerate(gold):
            w = pair_weight(kind, p.record, g, index, mode)
            # required gold outranks optional gold, so an optional record never steals a true positive
            weights[i, j] = w * (1.0 if getattr(g, "optional", False) else 2.0) if w > 0 else 0.0
    used_p, used_g = set(), set()
    if preds and gold:
        rows, cols = linear_sum_assignment(weights, maximize=True)
        for i, j in zip(rows, cols, strict=True):
            if weights[i, j] > 0:
                outcome = "optional" if getattr(gold[j], "optional", False) else "tp"
                result.pairs.append(Pair(preds[i], gold[j], outcome))
                used_p.add(i)
                used_g.add(j)
    result.pairs += [Pair(p, None, "fp") for i, p in enumerate(preds) if i not in used_p]
    result.pairs += [Pair(None, g, "fn") for j, g in enumerate(gold)
                     if j not in used_g and not getattr(g, "optional", False)]
    return result


def match_document(predicted: dict[str, list[Pred]], gold: Any, mode: str = "strict") -> dict[str, TypeResult]:
    index = GoldIndex(gold.actors)
    return {kind: match_type(kind, predicted.get(kind, []), list(getattr(gold, kind)), index, mode) for kind in TYPES}
