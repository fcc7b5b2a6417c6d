"""Fit the small strategy's calibration maps on one or more gold folders, and say how well they
generalise before saving them.

    SITREP_SMALL_CACHE=DIR python benchmarks/calibration_fit.py --gold evals/gold --gold evals/fresh \\
        --db /tmp/cal.duckdb [--save]

Why a separate script: a map fitted on the split it is scored on always looks perfect (ECE 0.006
in-sample, 0.11–0.18 on held-out articles in session 4). This fits on raw feature scores (calibration
off), prints the in-sample ECE and the ECE of a k-fold cross-validation over *articles* (each fold's
records are mapped by a map fitted on the other folds), and with --save writes the maps fitted on
everything as the next version of extract/data/calibration.json. With SITREP_SMALL_CACHE and
SITREP_SMALL_CACHE_ONLY the model is not called: the answers of an earlier run are reused.
"""

from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

from evals.dataset import load_dataset
from evals.score import ece
from evals.task import evaluate
from extract import calibrate
from extract.pipeline import Options
from extract.providers import make_provider
from extract.store import Store

Pairs = dict[str, list[tuple[float, int]]]


def article_pairs(golds: list[Path], db: Path, provider_name: str | None) -> tuple[list[Pairs], str, str]:
    """(raw score, correct) pairs per record type, one dict per article, scored with calibration off."""
    os.environ["SITREP_CALIBRATION"] = "off"
    provider = make_provider(provider_name)
    out: list[Pairs] = []
    try:
        with Store(db) as store:
            for gold in golds:
                for doc in evaluate(load_dataset(gold), provider, store, Options(passes="small")):
                    pairs: Pairs = {}
                    for kind, result in doc.results.items():
                        pairs[kind] = [(p.pred.confidence, int(p.outcome == "tp")) for p in result.pairs
                                       if p.pred is not None and p.outcome in {"tp", "fp"}]
                    out.append(pairs)
    finally:
        provider.close()
    return out, provider.name, provider.model


def _merged(articles: list[Pairs]) -> Pairs:
    merged: Pairs = {}
    for pairs in articles:
        for kind, values in pairs.items():
            merged.setdefault(kind, []).extend(values)
    return merged


def _mapped(maps: dict, pairs: Pairs) -> list[tuple[float, int]]:
    out = []
    for kind, values in pairs.items():
        found = maps.get(kind)
        out += [(calibrate.apply(found, x) if found else x, y) for x, y in values]
    return out


def cross_validated_ece(articles: list[Pairs], folds: int, seed: int = 0) -> float | None:
    """ECE of records mapped by maps fitted without their own article's fold."""
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    mapped: list[tuple[float, int]] = []
    for k in range(folds):
        held = {i for j, i in enumerate(order) if j % folds == k}
        maps = calibrate.fit(_merged([a for i, a in enumerate(articles) if i not in held]))
        mapped += _mapped(maps, _merged([articles[i] for i in held]))
    return ece(mapped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, action="append", required=True, help="gold folder (repeatable)")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--provider", default=None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--save", action="store_true", help="write the maps fitted on all folders")
    args = parser.parse_args()
    articles, provider, model = article_pairs(args.gold, args.db, args.provider)
    everything = _merged(articles)
    maps = calibrate.fit(everything)
    raw = [p for values in everything.values() for p in values]
    print(f"{len(articles)} articles, {len(raw)} scored records")
    print(f"ECE raw scores: {ece(raw):.3f}; in-sample after the map: {ece(_mapped(maps, everything)):.3f}; "
          f"{args.folds}-fold CV over articles: {cross_validated_ece(articles, args.folds):.3f}")
    if args.save:
        keyed = {calibrate.map_key(provider, model, kind): m for kind, m in maps.items()}
        calibrate.save(keyed, f"fitted on {', '.join(map(str, args.gold))} ({len(articles)} documents), "
                              f"small strategy, raw feature scores")
        print(f"saved calibration map version {calibrate.version()}")


if __name__ == "__main__":
    main()
