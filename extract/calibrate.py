"""Confidence for the small-model strategy: a raw score from record features, and a calibration map
fitted on the dev split per provider and model (scikit-learn's isotonic regression), versioned in
extract/data/calibration.json.

Why: the 1.5B model's own confidences said 0.9 for records that were right half the time (ECE 0.19).
Features the strategy knows for sure (the weapon is in the lexicon, both parties are named near the
sentence) rank records better; isotonic regression turns the rank into a probability.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

PATH = Path(__file__).with_name("data") / "calibration.json"
WEIGHTS: dict[str, tuple[float, dict[str, float]]] = {
    "transfers": (0.3, {"lexicon": 0.2, "supplier_near": 0.15, "recipient_near": 0.15, "weapon_in_sentence": 0.15,
                        "inferred": -0.2}),  # inferred: found by the rules, not listed by the model
    "meetings": (0.35, {"all_near": 0.35, "persons": 0.25, "inferred": -0.1}),
    "deployments": (0.35, {"sender_near": 0.3, "host_near": 0.3}),
    "actors": (0.3, {"used": 0.4, "mentions": 0.2, "person": 0.05}),
}


def raw_score(kind: str, features: dict[str, bool]) -> float:
    """A score in [0, 1] that orders records by how likely they are right (not yet a probability)."""
    base, weights = WEIGHTS[kind]
    return round(min(1.0, base + sum(w for name, w in weights.items() if features.get(name))), 3)


@cache
def _maps() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8")) if PATH.exists() else {"version": 0, "maps": {}}


def map_key(provider: str, model: str, kind: str) -> str:
    return f"{provider}/{model}/{kind}"


def calibrated(provider: str, model: str, kind: str, raw: float) -> float:
    """The calibrated probability for a raw score; the raw score when no map was fitted for this
    provider, model and record type."""
    found = _maps()["maps"].get(map_key(provider, model, kind))
    return apply(found, raw) if found else raw


def apply(found: dict[str, list[float]], raw: float) -> float:
    """One fitted map (its thresholds) applied to a raw score."""
    return round(float(np.interp(raw, found["x"], found["y"])), 3)


def version() -> int:
    return int(_maps().get("version", 0))


def fit(pairs: dict[str, list[tuple[float, int]]]) -> dict[str, dict[str, list[float]]]:
    """Isotonic maps from (raw score, correct) pairs per key; the thresholds are stored, so applying
    a map needs numpy only."""
    from sklearn.isotonic import IsotonicRegression

    maps = {}
    for key, data in pairs.items():
        if len({x for x, _ in data}) < 2:
            continue
        x, y = np.array([d[0] for d in data]), np.array([d[1] for d in data])
        model = IsotonicRegression(y_min=0.02, y_max=0.98, out_of_bounds="clip").fit(x, y)
        maps[key] = {"x": [round(float(v), 4) for v in model.X_thresholds_],
                     "y": [round(float(v), 4) for v in model.y_thresholds_], "n": len(data)}
    return maps


def save(maps: dict[str, dict[str, list[float]]], note: str) -> None:
    current = _maps()
    merged = {"version": version() + 1, "note": note, "maps": {**current.get("maps", {}), **maps}}
    PATH.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")
    _maps.cache_clear()
