"""Corpus files as input: one document per row of a JSONL, CSV or Parquet file, or of stdin (`-`).

Why streamed: a news crawl or a GDELT export has millions of rows; reading it whole would hold
them all in memory. JSONL and CSV are read line by line in Python (DuckDB's JSON and CSV readers
buffered the whole 200 MB test file: 135 MB → OOM at 256 MB, measured); Parquet through DuckDB in
batches of rows, which stays flat (86 MB at 1,000 and at 100,000 rows). Each row becomes a
Document whose source is the id column (or FILE#ROW) and whose date is the date column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from extract.load import Document, LoadError, document_from_text
from extract.pipeline import DocResult

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "tsv",
           ".parquet": "parquet", ".pq": "parquet"}
BATCH_ROWS = 1000
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True)
class Columns:
    text: str = "text"
    id: str | None = None
    date: str | None = None
    title: str | None = None

    def wanted(self) -> list[str]:
        return [c for c in (self.text, self.id, self.date, self.title) if c]


def is_corpus(path: Path) -> bool:
    """stdin, or a file whose suffix names a table format."""
    return str(path) == "-" or path.suffix.lower() in FORMATS


def count_rows(path: Path) -> int | None:
    """Rows in the file, for the progress bar's total and ETA: Parquet from its footer, JSONL by
    counting lines (a streamed pass); None for CSV (quoted newlines) and stdin."""
    kind = FORMATS.get(path.suffix.lower()) if str(path) != "-" else None
    if kind == "parquet":
        import duckdb

        return duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]
    if kind == "jsonl":
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    return None


def read_corpus(path: Path, columns: Columns) -> Iterator[Document | DocResult]:
    """Documents, one per row, streamed; a row that cannot become one yields a failed DocResult."""
    name = "<stdin>" if str(path) == "-" else str(path)
    for number, row in enumerate(_rows(path, columns), start=1):
        try:
            if isinstance(row, LoadError):
                raise row
            yield row_document(row, columns, name, number)
        except LoadError as exc:
            if number == 1 and isinstance(row, dict) and columns.text not in row:
                raise  # a wrong --text-column would fail every row: say it once
            yield DocResult(f"{name}#{number}", "failed", error=str(exc))


def _rows(path: Path, columns: Columns) -> Iterator[dict[str, Any] | LoadError]:
    if str(path) == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig") if hasattr(sys.stdin, "buffer") else sys.stdin
        first = stream.readline()
        lines = _chain(first, stream)
        yield from (_jsonl(lines, "<stdin>") if first.lstrip().startswith("{") else _csv(lines, ","))
        return
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    kind = FORMATS[path.suffix.lower()]
    if kind == "parquet":
        yield from _parquet(path, columns)
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from (_jsonl(handle, str(path)) if kind == "jsonl" else _csv(handle, "\t" if kind == "tsv" else ","))


def _chain(first: str, rest: TextIO) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _jsonl(lines: Iterator[str] | TextIO, name: str) -> Iterator[dict[str, Any] | LoadError]:
    """Objects, one per non-blank line; a bad line becomes a LoadError for that row only."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LoadError(f"{name} line {number}: not JSON ({exc.msg}); give one JSON object per line")
            continue
        yield row if isinstance(row, dict) else LoadError(
            f"{name} line {number}: a JSON {type(row).__name__}, not an object")


def _csv(lines: Iterator[str] | TextIO, delimiter: str) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(2**31 - 1)  # articles are longer than csv's 128 KB default field limit
    yield from csv.DictReader(lines, delimiter=delimiter)


def _parquet(path: Path, columns: Columns) -> Iterator[dict[str, Any]]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 1")  # one row group at a time: memory stays flat
    names = [r[0] for r in con.execute("SELECT name FROM parquet_schema(?)", [str(path)]).fetchall()]
    missing = [c for c in columns.wanted() if c not in names]
    if missing:
        raise LoadError(f"{path}: no column {', '.join(map(repr, missing))}; columns are {', '.join(names[1:])}")
    select = ", ".join(f'"{c}"' for c in columns.wanted())
    cursor = con.execute(f"SELECT {select} FROM read_parquet(?)", [str(path)])
    while batch := cursor.fetchmany(BATCH_ROWS):
        for values in batch:
            yield dict(zip(columns.wanted(), values, strict=True))
    con.close()


def row_document(row: dict[str, Any], columns: Columns, name: str, number: int) -> Document:
    """One row → a Document (text cleaned like a file's; source = id column or NAME#ROW)."""
    if columns.text not in row:
        raise LoadError(f"{name}#{number}: no column {columns.text!r} (use --text-column); "
                        f"columns are {', '.join(map(str, row))}")
    text = row.get(columns.text)
    text = "" if text is None else str(text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError(f"{name}#{number}: empty text, nothing to extract")
    source = str(row[columns.id]) if columns.id and row.get(columns.id) not in (None, "") else f"{name}#{number}"
    title = str(row[columns.title]) if columns.title and row.get(columns.title) else None
    published = iso_date(row.get(columns.date)) if columns.date else None
    return document_from_text(text, source=source, title=title, published=published)


def iso_date(value: Any) -> str | None:
    """A date column value as a (partial) ISO date: dates, timestamps, ISO strings, or any date
    dateparser reads ('25 Nov 2024'); None when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if match := _ISO.match(text):
        return match.group(0)
    import dateparser

    parsed = dateparser.parse(text, settings={"STRICT_PARSING": True})
    return parsed.date().isoformat() if parsed else None
