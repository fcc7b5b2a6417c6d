"""`sitrep eval --gold DIR` and `sitrep eval compare A B`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from extract.cli_options import (
    USER_ERRORS,
    BaseUrlOpt,
    DbOpt,
    ExampleOpt,
    FixturesOpt,
    JobsOpt,
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
from extract.store import DEFAULT_DB, Store
from schemas.gold import GoldError

if TYPE_CHECKING:
    from evals.score import DocScore
    from extract.providers import Provider

app = typer.Typer(help="Score a model and prompt against a gold folder.", no_args_is_help=False,
                  invoke_without_command=True)


@app.callback()
def eval_command(
    ctx: typer.Context,
    gold: Annotated[Path | None, typer.Option(help="folder of *.gold.json files (any gold/1 folder)")] = None,
    predictions: Annotated[Path | None, typer.Option(
        help="score this folder of gold/1 files (another system's output, by document.id) instead of a model")] = None,
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
    passes: PassesOpt = None,
    example: ExampleOpt = "system",
    temperature: TemperatureOpt = None,
    timeout: TimeoutOpt = None,
    jobs: JobsOpt = 1,
) -> None:
    """Extract every gold document (stored extractions are reused) or read --predictions, then match,
    score, report, store. Exits 1 when more than half the documents failed (the report is still written)."""
    if ctx.invoked_subcommand is not None:
        return
    # Imported here: `sitrep` starts without the matcher (scipy), the report (jinja) or the model clients.
    from evals import report
    from evals.dataset import load_dataset
    from evals.run import run_eval
    from extract.pipeline import Options
    from extract.providers import default_provider_name, make_provider
    from extract.runner import check_jobs, prefetch

    if gold is None:
        fail("give --gold DIR (or a subcommand: compare, agreement)")
    backend = None
    try:
        load_dataset(gold)  # a bad gold folder fails before a model loads
        options = Options(max_retries=max_retries, reask_ungrounded=reask, passes=passes, example=example,
                          temperature=temperature)
        if predictions is None:
            check_jobs(provider or default_provider_name(base_url), jobs)
            backend = make_provider(provider, model, base_url, fixtures, timeout_s=timeout)
        store = Store(db)
    except (GoldError, ValueError, *USER_ERRORS) as exc:
        fail(str(exc))
    try:
        with store, console.status("evaluating") as status:
            def progress(d: DocScore) -> None:
                status.update(f"{d.doc_id} done")

            if jobs > 1 and backend is not None:  # extract concurrently first; the eval reuses the stored runs
                docs = [s.document() for s in load_dataset(gold)]
                def factory() -> Provider:
                    return make_provider(provider, model, base_url, fixtures, timeout_s=timeout)

                for repeat in range(runs):
                    prefetch(docs, backend, factory, store, replace(options, repeat=repeat), jobs)

            run = run_eval(gold, store, provider=backend, predictions=predictions, options=options, runs=runs,
                           on_done=progress)
    except (GoldError, ValueError, *USER_ERRORS) as exc:
        fail(str(exc))
    finally:
        if backend is not None:
            backend.close()
    report.terminal(console, run)
    if report_html:
        report.write_html(report_html, run)
    if json_out:
        report.write_json(json_out, run)
    console.print(f"eval run {run.meta.eval_id} stored in {db}" + (f"; report {report_html}" if report_html else ""))
    if run.summary.failed_share > 0.5:
        err.print(f"[bold red]{len(run.summary.failed)} of {run.summary.documents} documents failed[/]: "
                  "this measures a broken setup, not the model", highlight=False)
        raise typer.Exit(1)


@app.command()
def compare(a: str, b: str, db: DbOpt = DEFAULT_DB) -> None:
    """F1 deltas between two eval runs and the records B fixed or broke."""
    from evals import persist

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


@app.command("agreement")
def agreement_command(
    dir_a: Annotated[Path, typer.Argument(help="reference gold folder (A)")],
    dir_b: Annotated[Path, typer.Argument(help="second annotator's gold folder (B), scored against A")],
    db: DbOpt = DEFAULT_DB,
    json_out: Annotated[Path | None, typer.Option("--json", help="write machine-readable scores")] = None,
    report_html: Annotated[Path | None, typer.Option("--report", help="write a self-contained HTML report")] = None,
) -> None:
    """Inter-annotator agreement on the documents both folders share: F1 of B against A (same keys as
    `sitrep eval --json`), the reverse, Cohen's kappa on certainty and status, records each side lacks.
    Stored as an eval run, so `sitrep eval --gold A` prints it beside the model's F1."""
    from evals import persist, report
    from evals.agreement import agreement

    try:
        result = agreement(dir_a, dir_b)
        with Store(db) as store:
            result.meta.eval_id = persist.save_eval(store, result.meta, result.forward.summary, result.forward.docs)
    except (GoldError, ValueError, *USER_ERRORS) as exc:
        fail(str(exc))
    report.agreement_terminal(console, result)
    if json_out:
        json_out.write_text(json.dumps(result.to_json(), indent=1, default=str), encoding="utf-8")
    if report_html:
        report.write_html(report_html, result.forward, agreement=result)
    console.print(f"agreement {result.meta.eval_id} stored in {db}")
