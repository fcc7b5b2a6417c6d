"""Match predictions to gold for one document, per ../shared/spec/gold-format.md.

Per record type a prediction is *compatible* with a gold record when the spec's rule holds
(role fields name the gold actors; the weapon by name or alias, or by category when the gold
name is generic; participants Jaccard >= 0.5 with overlapping dates; ...). Predictions and gold
are then assigned one-to-one by a single maximum-weight matching (scipy's linear_sum_assignment)
whose weight puts the number of matched required gold records first, matched optional records
second, and uses closeness (an exact name beats a category fallback) and confidence only to
break ties. So the number of true positives is the largest the compatibilities allow, whatever
the order of the records.

Predictions that make the same claim (same resolved parties and weapon name, ...) and could match
the same gold records are one prediction, the most confident one scored: grouping on the
prediction's own content keeps distinct correct predictions apart. The old key was the *first*
compatible gold record, so three generic ammunition items between the same two parties shared
one key and the dedupe dropped two correct predictions.

Outcomes: `tp` (matched required gold), `optional` (matched optional gold: neither TP nor FP),
`fn` (required gold left over), `duplicate` (a repeat of a scored claim, or a prediction left over
that is compatible only with gold already matched: neither TP nor FP), `fp` (compatible with no
gold). So adding a false prediction never raises F1 and removing a true one never raises it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from evals.names import matches, norm, similarity
from schemas import kinds
from schemas.kinds import Kind

TYPES = kinds.names()  # the record types, in the registry's order
REQUIRED_TIER = 1e6  # one more matched required gold record outweighs any optional match and any closeness
OPTIONAL_TIER = 1e3  # one more matched optional record outweighs any sum of closeness (<= 1 each)
CONFIDENCE_TIE = 1e-3  # among equally close predictions the most confident is kept


@dataclass
class Pred:
    record: Any
    confidence: float | None = None  # other systems' predictions may carry none
    grounded: bool = True
    # Where sitrep grounded the quotes (the stored evidence spans), for the report; None for other systems'
    # predictions, whose quotes the report locates.
    spans: tuple[tuple[int, int], ...] | None = None


@dataclass
class Pair:
    pred: Pred | None
    gold: Any | None
    outcome: str  # tp | fp | fn | optional | duplicate


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
        self.canonical = {norm(name): name for name in self.labels}

    def labels_of(self, name: str) -> list[str]:
        return self.labels.get(name, [name])

    def resolve(self, predicted: str) -> str:
        """The gold actor a predicted string names (its canonical name first), else '?normalised'."""
        if (exact := self.canonical.get(norm(predicted))) is not None:
            return exact
        best, score = None, 0.0
        for name, labels in self.labels.items():
            s = similarity(predicted, labels)
            if s > score:
                best, score = name, s
        return best if best is not None else f"?{norm(predicted)}"

    def role_score(self, predicted: str, gold_name: str) -> float:
        """0 when the predicted string does not name the gold actor, else its similarity in (0.9, 1]."""
        return similarity(predicted, self.labels_of(gold_name)) / 100

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


def _thing_score(pred: Any, gold: Any, mode: str) -> float:
    """What an event is about (a weapon: name and category): 1-ish for a name or alias match, 0.5
    for the category fallback, 0 when incompatible."""
    named = similarity(pred.name, [gold.name, *getattr(gold, "aliases", [])]) / 100
    if named:
        return named if mode == "strict" or pred.category == gold.category else 0.0
    same_category = pred.category == gold.category
    if mode == "lenient":
        return 0.5 if same_category else 0.0
    return 0.5 if same_category and is_generic(gold.name) else 0.0


def _overlap(predicted: list[str], wanted: list[str], index: GoldIndex) -> float:
    """Jaccard of a list role (participants) after resolving the predicted names; under 0.5 is no match."""
    found, gold = {index.resolve(p) for p in predicted}, set(wanted)
    share = len(found & gold) / len(found | gold) if found | gold else 0.0
    return share if share >= 0.5 else 0.0


def _roles(scores: list[float]) -> float:
    return 0.0 if not all(scores) else sum(scores) / len(scores)


def _role_scores(kind: Kind, pred: Any, gold: Any, index: GoldIndex) -> list[float]:
    return [_overlap(getattr(pred, r), getattr(gold, r), index) if kind.many(r)
            else index.role_score(getattr(pred, r), getattr(gold, r)) for r in kind.roles]


def closeness(kind: str, pred: Any, gold: Any, index: GoldIndex, mode: str) -> float:
    """0 when the pair cannot match (the spec's rule); otherwise in (0, 1], higher for closer pairs.

    Actors match by name or alias. An event needs every role to name the gold actor (a list role,
    Jaccard >= 0.5) and, when it is about a thing, that thing (by name, or by category); these
    average. A dated kind (a meeting) must also overlap in time: strictly, or at half weight."""
    spec = kinds.get(kind)
    if not spec.is_event:
        return similarity(pred.name, [gold.name, *gold.aliases]) / 100
    parts = [_roles(_role_scores(spec, pred, gold, index))]
    parts += [_thing_score(getattr(pred, spec.thing), getattr(gold, spec.thing), mode)] if spec.thing else []
    if not all(parts):
        return 0.0
    score = sum(parts) / len(parts)
    if not spec.dated:
        return score
    dated = when_compatible(pred.when, gold.when)
    if mode == "strict" and not dated:
        return 0.0
    return score if dated else score / 2


def claim_key(kind: str, pred: Any, index: GoldIndex) -> tuple:
    """What a false prediction claims, so the same false claim repeated counts once."""
    spec = kinds.get(kind)
    if not spec.is_event:
        return (index.resolve(pred.name),)
    key: list[Any] = [frozenset(index.resolve(p) for p in getattr(pred, r)) if spec.many(r)
                      else index.resolve(getattr(pred, r)) for r in spec.roles]
    key += [norm(getattr(pred, spec.thing).name)] if spec.thing else []
    return (*key, pred.when.start) if spec.dated else tuple(key)


def _canonical(preds: list[Pred], gold: list[Any]) -> tuple[list[Pred], list[Any]]:
    """A fixed order, so ties are broken the same way whatever order the records came in."""
    preds = sorted(preds, key=lambda p: (p.record.model_dump_json(), -(p.confidence or 0.0), not p.grounded))
    return preds, sorted(gold, key=lambda g: g.model_dump_json())


def _weights(kind: str, preds: list[Pred], gold: list[Any], index: GoldIndex, mode: str) -> np.ndarray:
    weights = np.zeros((len(preds), len(gold)))
    for i, p in enumerate(preds):
        for j, g in enumerate(gold):
            c = closeness(kind, p.record, g, index, mode)
            if c > 0:
                tier = OPTIONAL_TIER if getattr(g, "optional", False) else REQUIRED_TIER
                weights[i, j] = tier + c + CONFIDENCE_TIE * (p.confidence or 0.0)
    return weights


def _claims(kind: str, preds: list[Pred], weights: np.ndarray, index: GoldIndex) -> tuple[list[int], list[int]]:
    """Predictions that make the same claim and could match the same gold are one prediction (the
    spec's match key); the most confident one is scored. Returns (kept, repeated) indices."""
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(preds):
        groups.setdefault((claim_key(kind, p.record, index), tuple(weights[i] > 0)), []).append(i)
    kept, repeated = [], []
    for members in groups.values():
        best = max(members, key=lambda i: (preds[i].confidence or 0.0, -i))
        kept.append(best)
        repeated += [i for i in members if i != best]
    return sorted(kept), sorted(repeated)


def match_type(kind: str, preds: list[Pred], gold: list[Any], index: GoldIndex, mode: str) -> TypeResult:
    preds, gold = _canonical(preds, gold)
    weights = _weights(kind, preds, gold, index, mode)
    kept, repeated = _claims(kind, preds, weights, index)
    result = TypeResult(kind, mode)
    used_p: set[int] = set()
    used_g: set[int] = set()
    if kept and gold:
        rows, cols = linear_sum_assignment(weights[kept], maximize=True)
        for r, j in zip(rows, cols, strict=True):
            i = kept[r]
            if weights[i, j] > 0:
                outcome = "optional" if getattr(gold[j], "optional", False) else "tp"
                result.pairs.append(Pair(preds[i], gold[j], outcome))
                used_p.add(i)
                used_g.add(j)
    # left over but compatible with gold already matched: the same thing as a matched prediction
    result.pairs += [Pair(preds[i], None, "duplicate") for i in kept if i not in used_p and weights[i].any()]
    result.pairs += [Pair(preds[i], None, "duplicate") for i in repeated]
    result.pairs += [Pair(preds[i], None, "fp") for i in kept if not weights[i].any()]
    result.pairs += [Pair(None, g, "fn") for j, g in enumerate(gold)
                     if j not in used_g and not getattr(g, "optional", False)]
    return result


def match_document(predicted: dict[str, list[Pred]], gold: Any, mode: str = "strict") -> dict[str, TypeResult]:
    index = GoldIndex(gold.actors)
    return {kind: match_type(kind, predicted.get(kind, []), list(getattr(gold, kind)), index, mode)
            for kind in kinds.names()}
