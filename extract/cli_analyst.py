"""Analyst commands: `sitrep link`, `report`, `export`, `--version`, and the helpers that
`show --html` and `extract --json` call. Registered on the main app by `register(app)`."""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console

from extract import export
from extract.store import DEFAULT_DB, Store, StoreError
from schemas import kinds

err = Console(stderr=True)
DbOpt = Annotated[Path, typer.Option("--db", envvar="SITREP_DB", help="DuckDB file (default ./sitrep.duckdb)")]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True, markup=True)
    raise typer.Exit(2)


def _open(db: Path) -> Store:
    """Read-write (the analyst tables are refreshed before reading); a missing file is an error,
    not a new empty database."""
    if not db.exists():
        _fail(f"{db}: no such database; run `sitrep extract` first")
    try:
        return Store(db)
    except (StoreError, duckdb.Error) as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


def link(db: DbOpt = DEFAULT_DB,
         force: Annotated[bool, typer.Option(help="rebuild even when nothing changed")] = True) -> None:
    """Rebuild entities, their links and the consolidated facts from the latest runs."""
    from extract import analyst  # each command imports its own layer: `sitrep sql` starts without them

    with _open(db) as store:
        built = analyst.refresh(store, force=force)
        _, rows = store.query("SELECT count(*) FROM entities")
    facts = ", ".join(f"{n} {t}" for t, n in built.facts.items())
    typer.echo(f"{rows[0][0]} entities, {built.links} links, {facts or 'unchanged'} ({built.seconds:.2f} s)")


def report(
    html: Annotated[Path, typer.Option("--html", help="write the corpus view here (documents go to FILE_docs/)")],
    db: DbOpt = DEFAULT_DB,
    since: Annotated[str | None, typer.Option(help="only facts seen or dated on/after YYYY[-MM[-DD]]")] = None,
    actor: Annotated[str | None, typer.Option(help="only facts involving this actor (any name or spelling)")] = None,
) -> None:
    """Write the corpus view: transfer network, timeline and facts table, linked to document views."""
    from extract import analyst, report_view

    if since and not _DATE.match(since):
        _fail(f"--since {since!r}: write YYYY, YYYY-MM or YYYY-MM-DD")
    with _open(db) as store:
        analyst.refresh(store)
        done = report_view.write_report(store, html, since, actor)
    if actor and not done["facts"]:
        err.print(f"no facts involve {actor!r}", highlight=False)
    typer.echo(f"{done['path']}: {done['facts']} facts; {done['documents']} document views in {done['docs_dir']}/")


def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="folder for the files (created)")],
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv or jsonl")] = "parquet",
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Write every table and view, one file each, readable by DuckDB, pandas and Excel."""
    from extract import analyst

    if fmt not in export.FORMATS:
        _fail(f"--format must be one of {', '.join(export.FORMATS)}")
    with _open(db) as store:
        analyst.refresh(store)
        written = export.export(store, out, fmt)
    for _, rows, path in written:
        typer.echo(f"{path}\t{rows} rows")


def show_html(store_path: Path, doc_id: str, run: str | None, out: Path) -> None:
    """`sitrep show ID --html FILE`."""
    from extract import analyst, html_views

    with _open(store_path) as store:
        analyst.refresh(store)
        try:
            html_views.write_document(store, doc_id, out, run)
        except StoreError as exc:
            _fail(str(exc))
    typer.echo(f"{out}")


def refresh_after_extract(store: Store) -> None:
    """Keep the analyst tables current after a batch; a failure here must not fail the batch."""
    from extract import analyst

    try:
        analyst.refresh(store)
    except (StoreError, duckdb.Error) as exc:
        err.print(f"[yellow]analyst tables not refreshed ({exc}); run `sitrep link`[/]", highlight=False)


def result_json(result: Any, store: Store | None) -> str:
    """One JSON line for `extract --json`: the document, the run, its status and its records."""
    doc = result.doc
    records: dict[str, Any] = {}
    if result.extraction is not None:
        records = result.extraction.model_dump(mode="json")
    elif store is not None and result.run_id:
        for kind in kinds.kinds():
            _, rows = store.query(f"SELECT record FROM {kind.table} WHERE run_id = ? ORDER BY idx", [result.run_id])
            records[kind.name] = [json.loads(r[0]) for r in rows]
    usage = result.usage
    line = {"source": result.source, "doc_id": doc.doc_id if doc else None, "run_id": result.run_id,
            "status": result.status, "error": result.error,
            "title": doc.title if doc else None, "published": doc.published if doc else None,
            "language": doc.language if doc else None, "counts": {k: len(v) for k, v in records.items()},
            "usage": {"calls": usage.calls, "prompt_tokens": usage.prompt_tokens,
                      "completion_tokens": usage.completion_tokens, "seconds": round(usage.seconds, 3)},
            **records}
    return json.dumps(line, ensure_ascii=False, default=str)


def json_reporter(store: Store, human: Callable[[Any], None]) -> Callable[[Any], None]:
    """For `extract --json`: the human report goes to stderr and each document's JSON line alone
    to stdout, so `sitrep extract --json … | jq` works."""

    def report(result: Any) -> None:
        with contextlib.redirect_stdout(sys.stderr):
            human(result)
        typer.echo(result_json(result, store))

    return report


def _version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"sitrep {version('sitrep')}")
        except PackageNotFoundError:
            typer.echo("sitrep (not installed)")
        raise typer.Exit()


def _main(version_: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                 help="print the version and exit")] = False) -> None:
    """Turn defence and foreign-affairs articles into validated, grounded facts in DuckDB."""


def register(app: typer.Typer) -> None:
    app.callback()(_main)
    app.command()(link)
    app.command()(report)
    app.command("export")(export_cmd)
