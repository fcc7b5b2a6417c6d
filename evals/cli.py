"""`sitrep eval --gold DIR` and `sitrep eval compare A B`."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from evals import persist, report
from evals.dataset import load_dataset
from evals.score import DocScore, summarise
from evals.task import evaluate
from extract.cli import (
    USER_ERRORS,
    BaseUrlOpt,
    DbOpt,
    ExampleOpt,
    FixturesOpt,
    ModelOpt,
    PassesOpt,
    ProviderOpt,
    ReaskOpt,
    RetriesOpt,
    TemperatureOpt,
    TimeoutOpt,
    console,
    err,
    fail,
)
from extract.pipeline import Options, run_info
from extract.providers import make_provider
from extract.store import DEFAULT_DB, Store
from schemas.gold import GoldError

app = typer.Typer(help="Score a model and prompt against a gold folder.", no_args_is_help=False,
                  invoke_without_command=True)


@app.callback()
def run_eval(
    ctx: typer.Context,
    gold: Annotated[Path | None, typer.Option(help="folder of *.gold.json files (any gold/1 folder)")] = None,
    db: DbOpt = DEFAULT_DB,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    fixtures: FixturesOpt = None,
    runs: Annotated[int, typer.Option(help="repeat the extraction N times; mean ± sd of F1")] = 1,
    report_html: Annotated[Path | None, typer.Option("--report", help="write a self-contained HTML report")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="write machine-readable scores")] = None,
    max_retries: RetriesOpt = None,
    reask: ReaskOpt = None,
    passes: PassesOpt = "single",
    example: ExampleOpt = "system",
    temperature: TemperatureOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Extract every gold document (stored extractions are reused), match, score, report, store."""
    if ctx.invoked_subcommand is not None:
        return
    if gold is None:
        fail("give --gold DIR (or a subcommand: compare)")
    try:
        options = Options(max_retries=max_retries, reask_ungrounded=reask, passes=passes, example=example,
                          temperature=temperature)
        samples = load_dataset(gold)
        backend = make_provider(provider, model, base_url, fixtures, timeout_s=timeout)
        store = Store(db)
    except (GoldError, ValueError, *USER_ERRORS) as exc:
        fail(str(exc))
    started = datetime.now()
    repeats: list[list[DocScore]] = []
    try:
        for repeat in range(runs):
            label = f"run {repeat + 1}/{runs}"
            with console.status(label) as status:
                def progress(d: DocScore, label: str = label, status=status) -> None:
                    status.update(f"{label}: {d.doc_id} done")

                repeats.append(evaluate(samples, backend, store, replace(options, repeat=repeat),
                                        on_done=progress))
    except USER_ERRORS as exc:
        fail(str(exc))
    finally:
        backend.close()
    docs = repeats[-1]
    summary = summarise(docs)
    if runs > 1:
        values = [summarise(r)["f1"]["micro"] for r in repeats]
        summary["repeats_f1"] = {"n": runs, "mean": statistics.mean(values), "sd": statistics.stdev(values),
                                 "values": values}
    first = run_info(samples[0].document(), backend, options)
    meta = {"gold_dir": str(gold), "provider": backend.name, "model": backend.model,
            "prompt_version": first.prompt_version, "prompt_hash": first.prompt_hash,
            "schema_version": first.schema_version, "repeats": runs, "started_at": started,
            "variant": first.variant}
    eval_id = persist.save_eval(store, meta, summary, docs)
    store.close()
    meta["eval_id"] = eval_id
    report.terminal(console, summary, docs, meta)
    if report_html:
        report.write_html(report_html, summary, docs, meta)
    if json_out:
        report.write_json(json_out, summary, docs, meta)
    console.print(f"eval run {eval_id} stored in {db}" + (f"; report {report_html}" if report_html else ""))


@app.command()
def compare(a: str, b: str, db: DbOpt = DEFAULT_DB) -> None:
    """F1 deltas between two eval runs and the records B fixed or broke."""
    try:
        with Store(db, read_only=True) as store:
            diff = persist.compare(store, a, b)
    except (ValueError, *USER_ERRORS) as exc:
        fail(str(exc))
    from extract.render import table

    rows = [(k, f"{v['a']:.3f}", f"{v['b']:.3f}", f"{v['delta']:+.3f}") for k, v in diff["f1"].items()]
    console.print(table(f"F1 {a} → {b}", ["type", "A", "B", "Δ"], rows))
    for label in ("fixed", "broken"):
        items = diff[label]
        console.print(table(f"{label} ({len(items)})", ["doc", "type", "record", "was", "now"],
                            [(x["doc"], x["type"], x["record"], x["was"] or "", x["now"] or "") for x in items]))
    if not diff["f1"]:
        err.print("no comparable scores")
