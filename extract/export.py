"""`sitrep export`: every table and view to one file each, written by DuckDB's COPY.

Parquet keeps types (lists, JSON, timestamps) for DuckDB and pandas; CSV (header, UTF-8, lists as
'[a, b]') opens in Excel; JSONL is one object per line. Text columns holding the full article
are exported too: the files are the database, not a summary of it.
"""

from __future__ import annotations

from pathlib import Path

from extract.store import Store

FORMATS = {"parquet": "(FORMAT parquet)", "csv": "(FORMAT csv, HEADER true)", "jsonl": "(FORMAT json)"}
SUFFIX = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}


def relations(store: Store) -> list[str]:
    """Every base table and view in the main schema, sorted (so new tables export without code)."""
    _, rows = store.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                          "ORDER BY table_name")
    return [r[0] for r in rows]


def export(store: Store, out: Path, fmt: str) -> list[tuple[str, int, Path]]:
    """Write each relation to OUT/NAME.SUFFIX; return (name, rows, path) for each."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in relations(store):
        path = out / f"{name}.{SUFFIX[fmt]}"
        literal = str(path).replace("'", "''")
        store.con.execute(f'COPY (SELECT * FROM "{name}") TO \'{literal}\' {FORMATS[fmt]}')
        rows = store.query(f'SELECT count(*) FROM "{name}"')[1][0][0]
        written.append((name, rows, path))
    return written
