"""Properties the scorer must have whatever the gold: perfect self-score, order independence,
monotonicity. These would have caught the first-match-key bug (gold scored against itself lost
transfers that share a category)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from evals.dataset import Sample, load_dataset
from evals.match import TYPES, Pred, match_document
from evals.predictions import as_predictions
from evals.score import DocScore, attribute_hits, calibration_pairs, micro
from tests.conftest import ROOT


def gold_folders() -> list[Path]:
    """Every folder of gold files in the repo (new dev articles included)."""
    files = [*ROOT.glob("evals/**/*.gold.json"), *ROOT.glob("tests/**/*.gold.json")]
    folders = {p.parent for p in files}
    return sorted(folders)


SAMPLES = [s for folder in gold_folders() for s in load_dataset(folder)]


def scores(preds: dict[str, list[Pred]], sample: Sample, mode: str = "strict") -> dict[str, float]:
    results = match_document(preds, sample.gold, mode)
    return {k: v["f1"] for k, v in micro([DocScore(sample.id, "ok", results)]).items()}


def test_every_gold_folder_is_covered():
    assert ROOT / "evals" / "gold" in gold_folders() and len(SAMPLES) >= 17


@pytest.mark.parametrize("mode", ["strict", "lenient"])
@pytest.mark.parametrize("sample", SAMPLES, ids=[f"{s.path.parent.name}/{s.id}" for s in SAMPLES])
def test_gold_scored_against_itself_is_perfect(sample, mode):
    preds = as_predictions(sample.gold)
    results = match_document(preds, sample.gold, mode)
    for kind in TYPES:
        required = sum(not r.optional for r in getattr(sample.gold, kind))
        r = results[kind]
        assert (r.count("tp"), r.count("fp"), r.count("fn"), r.count("duplicate")) == (required, 0, 0, 0), kind
    assert set(scores(preds, sample, mode).values()) == {1.0}
    assert all(all(v) for v in attribute_hits(results).values())


def changed(record, **update):
    """A validated copy (model_copy would skip validation and leave plain strings in enum fields)."""
    return type(record).model_validate({**record.model_dump(), **update})


# --- imperfect predictions, for the order and monotonicity properties -----------------------------
def perturbed(sample: Sample, seed: int) -> dict[str, list[Pred]]:
    """Gold's records kept, dropped, duplicated or changed (weapon, certainty, a role), at random."""
    rng = random.Random(seed)
    preds = as_predictions(sample.gold)
    actors = [a.name for a in sample.gold.actors] or ["Atlantis"]
    out: dict[str, list[Pred]] = {k: [] for k in TYPES}
    for kind, items in preds.items():
        for p in items:
            roll = rng.random()
            if roll < 0.2:
                continue
            record = p.record
            if roll < 0.4 and kind == "transfers":
                name = rng.choice(["rockets", "Zorg-9", record.weapon.name.upper()])
                record = changed(record, weapon={**record.weapon.model_dump(), "name": name})
            elif roll < 0.5 and kind in {"transfers", "deployments"}:
                field, other = ("recipient", record.supplier) if kind == "transfers" else ("host", record.sender)
                record = changed(record, **{field: rng.choice([a for a in actors if a != other] or ["Atlantis"])})
            elif roll < 0.6 and kind != "actors":
                record = changed(record, certainty=rng.choice(["alleged", "reported", "denied"]))
            out[kind].append(Pred(record, round(rng.random(), 2)))
            if roll > 0.85:
                out[kind].append(Pred(record, round(rng.random(), 2)))
    return out


def fingerprint(preds: dict[str, list[Pred]], sample: Sample) -> tuple:
    """Every score the harness derives from one document's matches."""
    results = match_document(preds, sample.gold)
    lenient = match_document(preds, sample.gold, "lenient")
    doc = DocScore(sample.id, "ok", results, lenient)
    hits = {k: sorted(v) for k, v in attribute_hits(results).items()}
    return micro([doc]), micro([doc], lenient=True), hits, sorted(calibration_pairs(results))


def shuffled(preds: dict[str, list[Pred]], rng: random.Random) -> dict[str, list[Pred]]:
    return {k: rng.sample(v, len(v)) for k, v in preds.items()}


@pytest.mark.parametrize("sample", SAMPLES, ids=[f"{s.path.parent.name}/{s.id}" for s in SAMPLES])
def test_shuffling_predictions_or_gold_changes_no_score(sample):
    rng = random.Random(7)
    for seed in range(3):
        preds = perturbed(sample, seed)
        expected = fingerprint(preds, sample)
        for _ in range(3):
            gold = sample.gold.model_copy(update={k: rng.sample(getattr(sample.gold, k), len(getattr(sample.gold, k)))
                                                  for k in TYPES})
            other = Sample(sample.path, gold, sample.text)
            assert fingerprint(shuffled(preds, rng), other) == expected


def false_predictions(sample: Sample) -> list[tuple[str, Pred]]:
    """Claims no gold record supports: unknown parties, a repeated prediction."""
    g = as_predictions(sample.gold)
    out: list[tuple[str, Pred]] = []
    template = {"evidence": ["x"], "confidence": 0.9}
    from schemas.records import Actor

    out.append(("actors", Pred(Actor.model_validate({**template, "name": "Atlantis", "kind": "state"}), 0.9)))
    for kind, field in (("transfers", "supplier"), ("deployments", "sender")):
        for p in g[kind][:2]:
            out.append((kind, Pred(changed(p.record, **{field: "Atlantis"}), 0.8)))
    for p in g["meetings"][:2]:
        out.append(("meetings", Pred(changed(p.record, participants=["Atlantis", "Narnia"]), 0.7)))
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=[f"{s.path.parent.name}/{s.id}" for s in SAMPLES])
def test_adding_a_false_prediction_never_raises_f1(sample):
    added = false_predictions(sample)
    assert added
    for seed in range(3):
        preds = perturbed(sample, seed)
        before = scores(preds, sample)
        for kind, extra in added + [(k, v[0]) for k, v in preds.items() if v]:
            after = scores({**preds, kind: [*preds[kind], extra]}, sample)
            assert after[kind] <= before[kind] and after["micro"] <= before["micro"], (kind, extra.record)


@pytest.mark.parametrize("sample", SAMPLES, ids=[f"{s.path.parent.name}/{s.id}" for s in SAMPLES])
def test_removing_a_true_prediction_never_raises_f1(sample):
    removed = 0
    for seed in range(3):
        preds = perturbed(sample, seed)
        before = scores(preds, sample)
        for kind, result in match_document(preds, sample.gold).items():
            for pair in result.pairs:
                if pair.outcome != "tp":
                    continue
                rest = [p for p in preds[kind] if p is not pair.pred]
                after = scores({**preds, kind: rest}, sample)
                assert after[kind] <= before[kind] and after["micro"] <= before["micro"]
                removed += 1
    has_required = any(not r.optional for k in TYPES for r in getattr(sample.gold, k))
    assert removed > 0 or not has_required
