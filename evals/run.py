"""The eval as a library call: `run_eval(gold_dir, store, provider=... | predictions=...) -> EvalRun`.

The CLI is a thin layer over this, so notebooks, benchmarks and tests get the same repeats,
summary and stored eval run without going through typer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from evals import persist
from evals.dataset import load_dataset
from evals.predictions import load_predictions, score_predictions
from evals.score import DocScore
from evals.summary import EvalMeta, EvalRun, spread, summarise
from evals.task import evaluate
from extract.pipeline import Options, run_info
from extract.providers.base import Provider
from extract.store import Store

PREDICTIONS = "predictions"


def run_eval(gold_dir: Path, store: Store, *, provider: Provider | None = None, predictions: Path | None = None,
             options: Options | None = None, runs: int = 1,
             on_done: Callable[[DocScore], None] | None = None) -> EvalRun:
    """Score a provider's extractions (stored runs are reused) or a folder of gold/1 predictions
    against a gold folder, store the eval run and return it. Raises GoldError for a bad folder."""
    if (provider is None) == (predictions is None):
        raise ValueError("give either a provider or a predictions folder")
    samples = load_dataset(gold_dir)
    started = datetime.now()
    gold = str(gold_dir.resolve())
    if predictions is not None:
        docs = score_predictions(samples, load_predictions(predictions))
        folder = str(predictions.resolve())
        meta = EvalMeta(gold, PREDICTIONS, folder, started, predictions_dir=folder)
        summary = summarise(docs)
    else:
        assert provider is not None
        options = options or Options()
        repeats = [evaluate(samples, provider, store, replace(options, repeat=r), on_done=on_done)
                   for r in range(runs)]
        docs = repeats[-1]
        summary = summarise(docs)
        summary.repeats_f1 = spread([summarise(r) for r in repeats])
        first = run_info(samples[0].document(), provider, options)
        meta = EvalMeta(gold, provider.name, provider.model, started, first.prompt_version, first.prompt_hash,
                        first.schema_version, runs, first.variant)
    meta.eval_id = persist.save_eval(store, meta, summary, docs)
    return EvalRun(meta, summary, docs, ceiling=persist.latest_agreement(store, gold))
