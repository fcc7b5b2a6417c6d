"""Rich rendering of records, SQL results and highlighted evidence (terminal output only)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from extract.store import Store

COLUMNS = {
    "actors": ["name", "kind", "country", "role", "confidence", "grounded"],
    "transfers": ["supplier", "recipient", "weapon", "category", "quantity_min", "quantity_max", "status",
                  "certainty", "when_start", "confidence", "grounded"],
    "meetings": ["participants", "place", "country", "when_start", "format", "certainty", "confidence", "grounded"],
    "deployments": ["sender", "host", "forces", "place", "size_max", "killed_min", "when_start", "certainty",
                    "confidence", "grounded"],
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def table(title: str, cols: list[str], rows: list[tuple]) -> Table:
    out = Table(title=title, title_justify="left", show_lines=False)
    for col in cols:
        out.add_column(col, overflow="fold")
    for row in rows:
        out.add_row(*(_cell(v) for v in row))
    return out


def print_run_records(console: Console, store: Store, run_id: str) -> None:
    for kind, cols in COLUMNS.items():
        names, rows = store.query(f"SELECT {', '.join(cols)} FROM {kind} WHERE run_id = ? ORDER BY idx", [run_id])
        console.print(table(f"{kind} ({len(rows)})", names, rows))


def format_rows(cols: list[str], rows: list[tuple], fmt: str) -> str | Table:
    if fmt == "json":
        return json.dumps([dict(zip(cols, r, strict=True)) for r in rows], default=str, ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(cols)
        writer.writerows(rows)
        return buf.getvalue()
    return table("", cols, rows)


def highlighted(text: str, spans: list[tuple[int, int, bool]]) -> Text:
    """The document with grounded evidence in green and fuzzy-located quotes in yellow."""
    out = Text(text)
    for start, end, grounded in spans:
        out.stylize("bold black on green" if grounded else "black on yellow", start, end)
    return out
