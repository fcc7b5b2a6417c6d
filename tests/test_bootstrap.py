"""bootstrap_f1 totals each document once; its interval must be the one that re-scoring every
resampled list of documents with micro() gives (the definition), failed documents and clean
negatives included."""

from __future__ import annotations

import random

import numpy as np
import pytest

from evals.match import Pair, TypeResult
from evals.score import DocScore, bootstrap_f1, micro
from schemas import kinds


def by_definition(docs: list[DocScore], samples: int = 1000, seed: int = 0) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    values = [micro([docs[i] for i in rng.integers(0, len(docs), len(docs))])["micro"]["f1"]
              for _ in range(samples)]
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def doc(rng: random.Random, n: int) -> DocScore:
    status = rng.choice(["ok", "ok", "ok", "partial", "failed"])
    results = {}
    for kind in kinds.names():
        outcomes = [rng.choice(["tp", "fp", "fn", "optional", "duplicate"]) for _ in range(rng.randint(0, 5))]
        results[kind] = TypeResult(kind, "strict", [Pair(None, None, o) for o in outcomes])
    if rng.random() < 0.2:  # a kind the document has no result for
        results.pop(rng.choice(list(results)))
    return DocScore(f"d{n}", status, results)


@pytest.mark.parametrize("seed", range(5))
def test_the_interval_is_the_one_rescoring_every_resample_gives(seed):
    rng = random.Random(seed)
    docs = [doc(rng, n) for n in range(rng.randint(2, 30))]
    assert bootstrap_f1(docs, samples=300, seed=seed) == by_definition(docs, samples=300, seed=seed)


def test_all_clean_negatives_and_too_few_documents():
    empty = [DocScore(f"d{n}", "ok", {}) for n in range(3)]
    assert bootstrap_f1(empty) == by_definition(empty) == (1.0, 1.0)
    assert bootstrap_f1([DocScore("d", "failed", {})] * 2) == (0.0, 0.0)
    assert bootstrap_f1(empty[:1]) is None
