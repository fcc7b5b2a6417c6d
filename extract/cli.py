"""The `sitrep` command line: a thin layer over extract.pipeline, extract.store and evals."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extract import render
from extract.cli_options import (
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
from extract.models import ModelError
from extract.pipeline import DocResult, Options, extract_paths
from extract.providers import make_provider
from extract.providers.recording import Recording
from extract.store import DEFAULT_DB, Store

app = typer.Typer(help="Turn defence and foreign-affairs articles into validated, grounded facts in DuckDB.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders become their .txt/.md/.html files, sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix.lower() in {".txt", ".md", ".html", ".htm"})
        else:
            out.append(path)
    return out


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="files or folders (.txt, .md, .html)")],
    db: DbOpt = DEFAULT_DB,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    fixtures: FixturesOpt = None,
    max_retries: RetriesOpt = None,
    chunk_chars: Annotated[int, typer.Option(help="split documents longer than this")] = 12_000,
    force: Annotated[bool, typer.Option(help="re-extract even when an identical run exists")] = False,
    reask: ReaskOpt = None,
    timeout: TimeoutOpt = None,
    passes: PassesOpt = "single",
    example: ExampleOpt = "system",
    temperature: TemperatureOpt = None,
    record: Annotated[Path | None, typer.Option(help="save raw responses here as replay fixtures")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="do not print the records")] = False,
) -> None:
    """Extract actors, transfers, meetings and deployments from articles into the database."""
    files = expand(paths)
    if not files:
        fail("no input files")
    try:
        options = Options(max_retries=max_retries, chunk_chars=chunk_chars, force=force, reask_ungrounded=reask,
                          passes=passes, example=example, temperature=temperature)
        backend = make_provider(provider, model, base_url, fixtures, timeout_s=timeout)
        backend = Recording(backend, record) if record else backend
        store = Store(db)
    except (ValueError, *USER_ERRORS) as exc:
        fail(str(exc))
    failures = 0
    try:
        with _progress(len(files)) as bar:
            task = bar.add_task("extracting", total=len(files))
            for result in extract_paths(files, backend, store, options, on_done=lambda _r: bar.advance(task)):
                failures += result.status == "failed"
                _report(result, store, quiet)
    except USER_ERRORS as exc:
        fail(str(exc))
    finally:
        backend.close()
        store.close()
    console.print(f"database: {db}")
    if failures:
        raise typer.Exit(1)


def _progress(total: int) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, disable=total < 2 or not err.is_terminal, transient=True)


def _report(result: DocResult, store: Store, quiet: bool) -> None:
    if result.status == "failed":
        err.print(f"[red]failed[/] {result.source}: {result.error}", highlight=False, soft_wrap=True)
        return
    if result.status == "skipped":
        console.print(f"[dim]skipped[/] {result.source}: run {result.run_id} already stored (--force to redo)",
                      highlight=False, soft_wrap=True)
    else:
        u = result.usage
        counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
        label = "[green]ok[/]" if result.status == "ok" else "[yellow]partial[/]"
        console.print(f"{label} {result.source} → doc {result.doc.doc_id}, run {result.run_id}: {counts} "
                      f"({u.seconds:.1f} s, {u.prompt_tokens}+{u.completion_tokens} tokens)",
                      highlight=False, soft_wrap=True)
        if result.error:
            err.print(f"[yellow]{result.error}[/]", highlight=False, soft_wrap=True)
    if not quiet:
        render.print_run_records(console, store, result.run_id)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run against the database")],
    db: DbOpt = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    write: Annotated[bool, typer.Option(help="open read-write (default read-only)")] = False,
) -> None:
    """Run SQL over the database (tables: documents, runs, actors, transfers, meetings, deployments, evidence)."""
    if fmt not in {"table", "csv", "json"}:
        fail("--format must be table, csv or json")
    import duckdb

    try:
        with Store(db, read_only=not write) as store:
            cols, rows = store.query(query)
    except duckdb.Error as exc:
        fail(" ".join(str(exc).split()))
    except USER_ERRORS as exc:
        fail(str(exc))
    out = render.format_rows(cols, rows, fmt)
    if isinstance(out, str):
        typer.echo(out, nl=False)
    else:
        console.print(out)


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="document id (or a unique prefix)")],
    db: DbOpt = DEFAULT_DB,
    run: Annotated[str | None, typer.Option(help="run id; default the newest successful run")] = None,
) -> None:
    """Print a document with its evidence highlighted, then its records."""
    try:
        with Store(db, read_only=True) as store:
            _show(store, doc_id, run)
    except USER_ERRORS as exc:
        fail(str(exc))


def _show(store: Store, doc_id: str, run: str | None) -> None:
    _, docs = store.query("SELECT doc_id, text, source FROM documents WHERE doc_id LIKE ? || '%'", [doc_id])
    if len(docs) != 1:
        fail(f"{len(docs)} documents match {doc_id!r}")
    doc_id, text, source = docs[0]
    if run is None:
        _, found = store.query("SELECT run_id FROM latest_runs WHERE doc_id = ?", [doc_id])
        if not found:
            fail(f"document {doc_id} has no successful run")
        run = found[0][0]
    _, spans = store.query("SELECT start_char, end_char, grounded FROM evidence WHERE run_id = ? "
                           "AND start_char IS NOT NULL ORDER BY start_char", [run])
    console.rule(f"{doc_id} · {source} · run {run}")
    console.print(render.highlighted(text, spans))
    console.rule()
    render.print_run_records(console, store, run)


@app.command()
def runs(db: DbOpt = DEFAULT_DB, limit: int = 50) -> None:
    """List extraction runs, newest first."""
    try:
        with Store(db, read_only=True) as store:
            cols, rows = store.query(
                "SELECT r.run_id, r.doc_id, d.source, r.provider, r.model, r.prompt_version, r.schema_version, "
                "r.status, r.latency_s, r.prompt_tokens, r.completion_tokens, r.finished_at, r.error "
                "FROM runs r JOIN documents d USING (doc_id) ORDER BY r.finished_at DESC LIMIT ?", [limit])
    except USER_ERRORS as exc:
        fail(str(exc))
    console.print(render.table("runs", cols, rows))


@app.command()
def models(prepare: Annotated[bool, typer.Option(help="assemble and verify the default model now")] = False) -> None:
    """List embedded models and whether each is installed and assembled."""
    from extract import models as registry

    rows = []
    for spec in registry.registry().values():
        try:
            registry.part_files(spec)
            installed = "yes"
        except ModelError:
            installed = "no"
        rows.append((spec.name, "yes" if spec.default else "", installed,
                     "yes" if registry.gguf_path(spec).exists() else "no", f"{spec.size / 1e9:.2f} GB", spec.licence))
    console.print(render.table("models", ["name", "default", "packages", "assembled", "size", "licence"], rows))
    if prepare:
        try:
            console.print(f"ready: {registry.ensure_model(registry.default_model())}")
        except ModelError as exc:
            fail(str(exc))


def main() -> None:
    logging.basicConfig(level=os.environ.get("SITREP_LOG", "WARNING"))
    app()


def _register_eval() -> None:
    from evals.cli import app as eval_app

    app.add_typer(eval_app, name="eval")


_register_eval()
