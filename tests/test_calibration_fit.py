"""benchmarks/calibration_fit.py: the cross-validated ECE holds each article's records out of the map
that scores them, so a map cannot look calibrated just by memorising its own records."""

import importlib.util
import random

from evals.score import ece
from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("calfit", ROOT / "benchmarks" / "calibration_fit.py")
calfit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(calfit)


def _articles(n: int, seed: int) -> list[dict[str, list[tuple[float, int]]]]:
    """Articles whose transfer records score 0.9 (right 40 % of the time) or 0.6 (right 10 %)."""
    rng = random.Random(seed)
    return [{"transfers": [(0.9, int(rng.random() < 0.4)) for _ in range(4)] +
                          [(0.6, int(rng.random() < 0.1)) for _ in range(4)]} for _ in range(n)]


def test_a_fitted_map_corrects_overconfident_raw_scores_out_of_sample():
    articles = _articles(40, 1)
    raw = [p for a in articles for p in a["transfers"]]
    assert ece(raw) > 0.4  # raw 0.9 and 0.6 against about 40 % and 10 % right
    assert calfit.cross_validated_ece(articles, folds=5) < 0.15


def test_cross_validation_exposes_a_map_that_only_memorised_its_articles():
    # every article has its own score, so a map fitted on the other folds has never seen it
    rng = random.Random(2)
    articles = [{"transfers": [(round(0.01 * i + 0.3, 2), int(rng.random() < 0.5))] * 3} for i in range(40)]
    merged = calfit._merged(articles)
    in_sample = ece(calfit._mapped(calfit.calibrate.fit(merged), merged))
    assert in_sample < 0.05  # isotonic regression memorises each score's outcome
    assert calfit.cross_validated_ece(articles, folds=5) > in_sample + 0.1
