"""`sitrep batch submit|status|collect`: the OpenAI Batch API (half the price, answers within 24 h)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from extract import render
from extract.cli_options import (
    USER_ERRORS,
    BaseUrlOpt,
    DbOpt,
    ExampleOpt,
    ModelOpt,
    PassesOpt,
    ProviderOpt,
    ReaskOpt,
    RetriesOpt,
    TemperatureOpt,
    console,
    err,
    fail,
)
from extract.store import DEFAULT_DB, Store

if TYPE_CHECKING:
    from extract.providers import Provider

app = typer.Typer(help="The OpenAI Batch API: submit now, collect within 24 hours, at half the price.",
                  no_args_is_help=True)
ThenOpt = Annotated[str, typer.Option(help="requests the batch could not answer (re-asks, later chunks, failed "
                                           "lines): a follow-up batch, sent live now, or none (collect again later)",
                                      metavar="batch|live|none")]


def _provider(provider: str | None, model: str | None, base_url: str | None) -> Provider:
    from extract.providers import make_provider

    return make_provider(provider, model, base_url)


@app.command()
def submit(
    paths: Annotated[list[Path], typer.Argument(help="files, folders, or .jsonl/.csv/.parquet corpora (`-`: stdin)")],
    db: DbOpt = DEFAULT_DB,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    max_retries: RetriesOpt = None,
    reask: ReaskOpt = None,
    passes: PassesOpt = None,
    example: ExampleOpt = "system",
    temperature: TemperatureOpt = None,
    chunk_chars: Annotated[int, typer.Option(help="split documents longer than this")] = 12_000,
    force: Annotated[bool, typer.Option(help="submit even documents whose run is stored")] = False,
    text_column: Annotated[str, typer.Option(help="corpus files: the column with the article text")] = "text",
    id_column: Annotated[str | None, typer.Option(help="corpus files: the column stored as the source")] = None,
    date_column: Annotated[str | None, typer.Option(help="corpus files: the publication date column")] = None,
    title_column: Annotated[str | None, typer.Option(help="corpus files: the title column")] = None,
) -> None:
    """Write each document's request as JSONL, upload it, create the batch, record it in the database."""
    # The commands import what they use: `sitrep --help` and the other commands start without the SDK.
    from extract import batch
    from extract.cli_run import expand, inputs
    from extract.corpus import Columns
    from extract.pipeline import Options

    try:
        options = Options(max_retries=max_retries, reask_ungrounded=reask, passes=passes, example=example,
                          temperature=temperature, chunk_chars=chunk_chars, force=force)
        backend = _provider(provider, model, base_url)
        with Store(db) as store:
            docs = inputs(expand(paths), Columns(text_column, id_column, date_column, title_column))
            done = batch.submit(docs, backend, store, options)
    except (ValueError, *USER_ERRORS) as exc:
        fail(str(exc))
    for result in done.skipped:
        label = "skipped" if result.status == "skipped" else "failed"
        err.print(f"{label} {render.safe_markup(result.source)}: "
                  f"{render.safe_markup(result.error or 'run already stored (--force to redo)')}", highlight=False)
    if done.batch_id is None:
        console.print("nothing to submit")
        return
    console.print(f"batch {done.batch_id}: {done.requests} requests submitted; "
                  f"`sitrep batch collect {done.batch_id}` once it has completed", highlight=False)


@app.command()
def status(
    batch_id: Annotated[str | None, typer.Argument(help="one batch (default: all recorded)")] = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Recorded batches: requests, answers collected, errors, documents stored."""
    from extract import batch

    try:
        with Store(db) as store:
            cols, found = batch.listing(store, batch_id)
    except USER_ERRORS as exc:
        fail(str(exc))
    if batch_id and not found:
        fail(f"no batch {batch_id!r} in {db}")
    console.print(render.table("batches", cols, found))


@app.command()
def collect(
    batch_id: Annotated[str, typer.Argument(help="the batch id `submit` printed")],
    db: DbOpt = DEFAULT_DB,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    then: ThenOpt = "none",
) -> None:
    """Download the answers and store each document through the same checks as a live answer.
    Collecting again stores nothing twice."""
    from extract import batch

    try:
        with Store(db) as store:
            row = store.con.execute("SELECT provider, model, base_url FROM batches WHERE batch_id = ?",
                                    [batch_id]).fetchone()
            if row is None:
                fail(f"no batch {batch_id!r} in {db}; `sitrep batch status` lists them")
            backend = _provider(provider or row[0], model or row[1], base_url or row[2])
            done = batch.collect(batch_id, backend, store, then)
    except (ValueError, *USER_ERRORS) as exc:
        fail(str(exc))
    if done.status not in batch.FINISHED:
        console.print(f"batch {batch_id} is {done.status}; collect again once it has completed")
        raise typer.Exit(3)
    failed = sum(r.status == "failed" for r in done.stored)
    console.print(f"batch {batch_id}: {len(done.stored)} documents stored ({failed} failed), "
                  f"{done.already} stored before, {done.waiting} waiting for another answer"
                  + (f"; follow-up batch {done.followup}" if done.followup else ""), highlight=False)


def import_shards(
    folder: Annotated[Path, typer.Argument(help="the --out folder of `sitrep extract` (Parquet shards)")],
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Load Parquet shards into the database; importing again adds nothing."""
    from extract.shards import import_shards as load

    try:
        with Store(db) as store:
            added = load(store, folder)
    except (ValueError, *USER_ERRORS) as exc:
        fail(str(exc))
    except Exception as exc:  # duckdb.Error: a damaged or foreign Parquet file
        fail(f"{folder}: {' '.join(str(exc).split())[:300]}")
    console.print(", ".join(f"{n} {table}" for table, n in added.items()) + f" added to {db}", highlight=False)
