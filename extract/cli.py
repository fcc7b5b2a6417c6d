"""The `sitrep` command line: a thin layer over extract.pipeline, extract.store and evals."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from extract import cli_analyst, cli_batch, render
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
    RpmOpt,
    TemperatureOpt,
    TimeoutOpt,
    TpmOpt,
    console,
    err,
    fail,
)
from extract.limits import MAX_CHUNKS
from extract.models import ModelError
from extract.redact import install_log_redaction, redact
from extract.store import DEFAULT_DB, Store

if TYPE_CHECKING:
    from extract.pipeline import DocResult
    from extract.providers import Provider

app = typer.Typer(help="Turn defence and foreign-affairs articles into validated, grounded facts in DuckDB.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


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
    max_chunks: Annotated[int, typer.Option(min=1, help="refuse a document needing more model calls (chunks)")]
    = MAX_CHUNKS,
    force: Annotated[bool, typer.Option(help="re-extract even when an identical run exists")] = False,
    reask: ReaskOpt = None,
    timeout: TimeoutOpt = None,
    passes: PassesOpt = None,
    example: ExampleOpt = "system",
    temperature: TemperatureOpt = None,
    record: Annotated[Path | None, typer.Option(help="save raw responses here as replay fixtures")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="do not print the records")] = False,
    jobs: JobsOpt = 1,
    rpm: RpmOpt = None,
    tpm: TpmOpt = None,
    text_column: Annotated[str, typer.Option(help="corpus files: the column with the article text")] = "text",
    id_column: Annotated[str | None, typer.Option(help="corpus files: the column stored as the source")] = None,
    date_column: Annotated[str | None, typer.Option(help="corpus files: the publication date column")] = None,
    title_column: Annotated[str | None, typer.Option(help="corpus files: the title column")] = None,
    engine: Annotated[str, typer.Option(help="threads (this machine) or ray (a Ray cluster; extra 'ray')",
                                        metavar="threads|ray")] = "threads",
    address: Annotated[str | None, typer.Option(help="--engine ray: the cluster (default: a local one)")] = None,
    out: Annotated[Path | None, typer.Option(help="write Parquet shards here instead of the database "
                                                  "(load them with `sitrep import`)")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="one JSON line per document on stdout, the rest on stderr")]
    = False,
) -> None:
    """Extract actors, transfers, meetings and deployments from articles (files, folders, or the rows
    of a .jsonl/.csv/.parquet corpus, `-` for stdin) into the database."""
    # Imported here, not at the top: `sitrep sql/show/runs` then start without the model client stack.
    from extract.cli_run import expand, extract_inputs
    from extract.corpus import Columns
    from extract.engine_ray import ProviderArgs
    from extract.pipeline import Options
    from extract.providers import default_provider_name, make_provider
    from extract.providers.recording import Recording
    from extract.runner import check_jobs

    files = expand(paths)
    if not files:
        fail("no input files")
    try:
        options = Options(max_retries=max_retries, chunk_chars=chunk_chars, max_chunks=max_chunks, force=force,
                          reask_ungrounded=reask,
                          passes=passes, example=example, temperature=temperature)
        check_jobs(provider or default_provider_name(base_url), jobs)
        backend = make_provider(provider, model, base_url, fixtures, timeout_s=timeout)
        backend = Recording(backend, record) if record else backend
        store = Store(db)
    except (ValueError, *USER_ERRORS) as exc:
        fail(str(exc))

    def factory() -> Provider:  # one provider per worker (--jobs)
        made = make_provider(provider, model, base_url, fixtures, timeout_s=timeout)
        return Recording(made, record) if record else made

    try:
        human = lambda r: _report(r, store, quiet or out is not None)  # noqa: E731
        failures = extract_inputs(files, backend, factory, store, options, err,
                                  cli_analyst.json_reporter(store, human) if json_out else human,
                                  jobs, rpm, tpm, Columns(text_column, id_column, date_column, title_column),
                                  engine, address, out, ProviderArgs(provider, model, base_url, fixtures, timeout))
        cli_analyst.refresh_after_extract(store)
    except USER_ERRORS as exc:
        fail(str(exc))
    finally:
        backend.close()
        store.close()
    (err if json_out else console).print(f"database: {db}")
    if failures:
        raise typer.Exit(1)


def _report(result: DocResult, store: Store, quiet: bool) -> None:
    source, error = render.safe_markup(result.source), render.safe_markup(redact(result.error or ""))
    if result.status == "failed":
        err.print(f"[red]failed[/] {source}: {error}", highlight=False, soft_wrap=True)
        return
    if result.status == "skipped":
        console.print(f"[dim]skipped[/] {source}: run {result.run_id} already stored (--force to redo)",
                      highlight=False, soft_wrap=True)
    else:
        u = result.usage
        counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
        label = "[green]ok[/]" if result.status == "ok" else "[yellow]partial[/]"
        console.print(f"{label} {source} → doc {result.doc.doc_id}, run {result.run_id}: {counts} "
                      f"({u.seconds:.1f} s, {u.prompt_tokens}+{u.completion_tokens} tokens)",
                      highlight=False, soft_wrap=True)
        if result.error:
            err.print(f"[yellow]{error}[/]", highlight=False, soft_wrap=True)
    if not quiet:
        render.print_run_records(console, store, result.run_id)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run against the database")],
    db: DbOpt = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or jsonl")] = "table",
    write: Annotated[bool, typer.Option(help="may change this database (never other files or the network)")] = False,
) -> None:
    """Run SQL over the database (tables: documents, runs, actors, transfers, meetings, deployments, evidence).
    Sandboxed: this database only; no other file, no network, no extension, no SET (see README)."""
    if fmt not in {"table", "csv", "json", "jsonl"}:
        fail("--format must be table, csv, json or jsonl")
    if not query.strip():
        fail("empty query; e.g. sitrep sql 'SELECT * FROM latest_transfers'")
    import duckdb

    try:
        with Store(db, read_only=not write, sandbox=True) as store:
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
    html: Annotated[Path | None, typer.Option("--html", help="write a self-contained HTML view here instead")] = None,
) -> None:
    """Print a document with its evidence highlighted, then its records."""
    if html is not None:
        return cli_analyst.show_html(db, doc_id, run, html)
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
    console.rule(render.safe_markup(f"{doc_id} · {source} · run {run}"))
    console.print(render.highlighted(text, spans))
    console.rule()
    render.print_run_records(console, store, run)


@app.command()
def runs(db: DbOpt = DEFAULT_DB,
         limit: Annotated[int, typer.Option(min=1, help="rows to list")] = 50) -> None:
    """List extraction runs, newest first, with files that failed to load (status load-failed)."""
    try:
        with Store(db, read_only=True) as store:
            cols, rows = store.query(
                "SELECT r.run_id, r.doc_id, d.source, r.provider, r.model, r.prompt_version, r.schema_version, "
                "r.status, r.latency_s, r.prompt_tokens, r.completion_tokens, r.finished_at, r.error "
                "FROM runs r JOIN documents d USING (doc_id) " + (
                    "UNION ALL SELECT NULL, NULL, source, NULL, NULL, NULL, NULL, 'load-failed', NULL, NULL, NULL, "
                    "failed_at, error FROM load_errors " if store.has_table("load_errors") else "")
                + "ORDER BY finished_at DESC NULLS LAST LIMIT ?", [limit])
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
    level = os.environ.get("SITREP_LOG", "WARNING").upper()
    if not isinstance(logging.getLevelName(level), int):
        err.print(f"SITREP_LOG={render.safe_markup(level)} is not a log level (DEBUG, INFO, WARNING, ERROR); "
                  "using WARNING", highlight=False)
        level = "WARNING"
    logging.basicConfig(level=level)
    install_log_redaction()
    signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    except Terminated:
        err.print("stopped by SIGTERM: finished documents are stored; run the same command again to resume",
                  highlight=False)
        raise SystemExit(143) from None


class Terminated(Exception):
    """SIGTERM as an exception: `finally` blocks close the database and the backend on the way out."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def _register_eval() -> None:
    from evals.cli import app as eval_app

    app.add_typer(eval_app, name="eval")


_register_eval()
cli_analyst.register(app)  # link, report, export, --version (the analyst layer)
app.add_typer(cli_batch.app, name="batch")  # the OpenAI Batch API (extract/batch.py)
app.command("import")(cli_batch.import_shards)  # Parquet shards from `extract --out` (extract/shards.py)
