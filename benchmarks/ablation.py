"""The ablation table of the small-model strategy: one row per ingredient added, on a gold folder.

    flock /tmp/sitrep-model.lock .venv/bin/python benchmarks/ablation.py --gold evals/gold \\
        --db /work/team/e-ablation.duckdb --rows all --json out.json --markdown out.md

Each row is an extraction configuration (strategy, and for `small` the ingredients switched off via
SITREP_SMALL_ABLATE) scored like `sitrep eval`: F1 per type (strict and lenient), micro F1 with its
bootstrap 95 % interval, grounding, ECE, seconds per article (median, p95), tokens per article and
loop-guard firings. Stored runs are reused (same database, same configuration), so a row is only
paid for once. Rows marked `offline` reuse the model answers of the row named in `timing_from`
(SITREP_SMALL_CACHE) and differ only in rules applied without a model: their timing columns are
that row's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evals.dataset import load_dataset
from evals.summary import summarise
from evals.task import evaluate
from extract import calibrate
from extract.pipeline import Options, run_info
from extract.providers import make_provider
from extract.store import Store


@dataclass(frozen=True)
class Row:
    name: str
    strategy: str
    ablate: str = ""  # ingredients switched off (small only)
    timing_from: str | None = None  # an offline row: model answers and timings of that row
    calibrated: bool = False


ROWS = [
    Row("single (old default)", "single"),
    Row("small: found names + constrained enums + trigger windows", "small", "lexicon,roles",
        timing_from="+ role rules (frozen default, raw confidence)"),
    Row("+ weapons lexicon", "small", "roles", timing_from="+ role rules (frozen default, raw confidence)"),
    Row("+ role rules (frozen default, raw confidence)", "small", ""),
    Row("+ calibrated confidence (frozen default)", "small", "",
        timing_from="+ role rules (frozen default, raw confidence)", calibrated=True),
]

def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def run_row(row: Row, gold: Path, db: Path, provider_name: str | None, fit_calibration: bool = False) -> dict:
    """Extract (or reuse) and score one row; with `fit_calibration`, fit isotonic maps on the row's
    raw scores (calibration off) and save them as the next version of extract/data/calibration.json."""
    os.environ["SITREP_SMALL_ABLATE"] = row.ablate
    if row.timing_from:  # an offline row must not call the model: its answers are cached
        os.environ["SITREP_SMALL_CACHE_ONLY"] = "1"
    else:
        os.environ.pop("SITREP_SMALL_CACHE_ONLY", None)
    # Map version 0 (none fitted) gives raw scores: those rows are the stored frozen-default runs.
    raw = "on" if calibrate.version() == 0 else "off"
    os.environ["SITREP_CALIBRATION"] = "on" if row.calibrated else raw
    samples = load_dataset(gold)
    provider = make_provider(provider_name)
    options = Options(passes=row.strategy)  # the same configuration `sitrep eval --strategy` runs
    try:
        with Store(db) as store:
            docs = evaluate(samples, provider, store, options)
            ids = [run_info(s.document(), provider, options).run_id for s in samples]
            marks = ",".join("?" * len(ids))
            _, errors = store.query(f"SELECT coalesce(error, '') FROM runs WHERE run_id IN ({marks})", ids)
    finally:
        provider.close()
    if fit_calibration:
        pairs: dict[str, list[tuple[float, int]]] = {}
        for doc in docs:
            for kind, result in doc.results.items():
                key = calibrate.map_key(provider.name, provider.model, kind)
                pairs.setdefault(key, []).extend(
                    (p.pred.confidence, int(p.outcome == "tp")) for p in result.pairs
                    if p.pred is not None and p.outcome in {"tp", "fp"})
        calibrate.save(calibrate.fit(pairs), f"fitted on {gold} ({len(docs)} documents), row {row.name!r}")
    summary = summarise(docs).to_json()
    seconds = [d.seconds for d in docs]
    return {
        "row": row.name, "strategy": row.strategy, "ablate": row.ablate, "timing_from": row.timing_from,
        "documents": len(docs),
        "f1": summary["f1"], "f1_lenient": summary["f1_lenient"], "ci95": summary["f1_ci95"],
        "grounding": summary["grounding_rate"], "ece": summary["ece"],
        "seconds_median": statistics.median(seconds) if seconds else 0.0, "seconds_p95": _percentile(seconds, 95),
        "tokens": float(np.mean([d.tokens for d in docs])) if docs else 0.0,
        "loop_guard": sum(e.count("loop") for (e,) in errors),
        "failed": sum(d.status == "failed" for d in docs),
    }


def markdown(results: list[dict]) -> str:
    by_name = {r["row"]: r for r in results}
    head = ("| row | transfers s/l | meetings s/l | deployments s/l | actors s/l | micro F1 [95 % CI] | grounding | "
            "ECE | s/article median | p95 | tokens/article | loop guard |\n|" + "---|" * 12)
    lines = [head]
    for r in results:
        timing = by_name.get(r["timing_from"], r) if r["timing_from"] else r
        types = " | ".join(f"{r['f1'][k]:.2f} / {r['f1_lenient'][k]:.2f}"
                           for k in ("transfers", "meetings", "deployments", "actors"))
        ci = f"[{r['ci95'][0]:.2f}–{r['ci95'][1]:.2f}]" if r["ci95"] else ""
        ece = f"{r['ece']:.3f}" if r["ece"] is not None else "–"
        grounding = f"{r['grounding']:.3f}" if r["grounding"] is not None else "–"
        lines.append(f"| {r['row']} | {types} | {r['f1']['micro']:.3f} {ci} | {grounding} | {ece} | "
                     f"{timing['seconds_median']:.1f} | {timing['seconds_p95']:.1f} | {timing['tokens']:.0f} | "
                     f"{timing['loop_guard']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--provider", default=None)
    parser.add_argument("--rows", default="all", help="comma-separated row numbers (0-based) or 'all'")
    parser.add_argument("--cache", type=Path, default=None, help="model answers by request hash (offline rows)")
    parser.add_argument("--fit-calibration", action="store_true",
                        help="fit calibration maps on the chosen (uncalibrated) small rows' raw scores")
    parser.add_argument("--merge", type=Path, default=None,
                        help="rows measured earlier (a --json file): listed with these, e.g. the timing row")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    if args.cache:
        os.environ["SITREP_SMALL_CACHE"] = str(args.cache)
    chosen = ROWS if args.rows == "all" else [ROWS[int(i)] for i in args.rows.split(",")]
    results = json.loads(args.merge.read_text()) if args.merge else []
    for row in chosen:
        fit = args.fit_calibration and row.strategy == "small" and not row.calibrated
        results.append(run_row(row, args.gold, args.db, args.provider, fit))
        print(json.dumps(results[-1], default=str), flush=True)
    order = [r.name for r in ROWS]
    results.sort(key=lambda r: order.index(r["row"]) if r["row"] in order else len(order))
    table = markdown(results)
    print(table)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n")
    if args.markdown:
        args.markdown.write_text(table)


if __name__ == "__main__":
    main()
