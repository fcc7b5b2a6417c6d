"""DuckDB store: versioned migrations, one transaction per document, idempotent runs.

A run is identified by (document, provider, model, prompt hash, schema version): extracting the
same document again with the same setup finds the run and writes nothing; another model makes
another run. Every record row carries its run_id, so model, prompt and schema version are one
join away. API keys are never passed in here.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from extract.load import Document

DEFAULT_DB = Path("sitrep.duckdb")


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message says why."""


@dataclass
class RunInfo:
    doc_id: str
    provider: str
    model: str
    prompt_version: str
    prompt_hash: str
    schema_version: int
    params: dict[str, Any] = field(default_factory=dict)
    started_at: datetime = field(default_factory=datetime.now)
    repeat: int = 0  # eval repeats (`--runs N`) are separate runs of the same setup
    variant: str = ""  # pipeline options that change the output (e.g. "noreask")
    input_sha: str = ""  # the cleaned text the model reads: better boilerplate removal is a new run

    @property
    def run_id(self) -> str:
        parts = [self.doc_id, self.input_sha, self.provider, self.model, self.prompt_hash, str(self.schema_version)]
        extra = ([f"repeat={self.repeat}"] if self.repeat else []) + ([self.variant] if self.variant else [])
        key = "|".join(parts + extra)
        return hashlib.sha256(key.encode()).hexdigest()[:16]


def migrations() -> list[tuple[int, str, str]]:
    files = sorted(p for p in resources.files("extract.migrations").iterdir() if p.name.endswith(".sql"))
    return [(int(p.name[:3]), p.name, p.read_text(encoding="utf-8")) for p in files]


class Store:
    def __init__(self, path: Path | str = DEFAULT_DB, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such database; run `sitrep extract` first")
        self._con: duckdb.DuckDBPyConnection | None = None
        if not read_only:
            self.migrate()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """Opened on demand. DuckDB lets one process write at a time, so a long batch
        `release()`s the file while the model works and `sitrep sql` can read meanwhile."""
        if self._con is None:
            self._con = self._connect()
        return self._con

    def _connect(self, tries: int = 40) -> duckdb.DuckDBPyConnection:
        for attempt in range(tries):
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only)
            except duckdb.IOException as exc:  # another process holds the file: wait for it
                if "lock" not in str(exc).lower() or attempt == tries - 1:
                    raise StoreError(f"{self.path}: cannot open database: {exc}") from exc
                time.sleep(0.25)
            except duckdb.Error as exc:
                raise StoreError(f"{self.path}: cannot open database: {exc}") from exc
        raise AssertionError("unreachable")

    def release(self) -> None:
        """Close the file until the next query (nothing is pending between documents)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def close(self) -> None:
        self.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema -------------------------------------------------------------------------
    def version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()[0]
        if not exists:
            return 0
        return self.con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]

    def migrate(self) -> list[str]:
        """Apply pending migrations in order, each in its own transaction."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR, "
            "applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        current, applied = self.version(), []
        for version, name, sql in migrations():
            if version <= current:
                continue
            with self.transaction():
                self.con.execute(sql)
                self.con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
            applied.append(name)
        return applied

    # --- writes ---------------------------------------------------------------------------
    def transaction(self) -> _Tx:
        return _Tx(self.con)

    def run_status(self, run_id: str) -> str | None:
        row = self.con.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchone()
        return row[0] if row else None

    def add_document(self, doc: Document) -> None:
        self.con.execute(
            "INSERT INTO documents (doc_id, sha256, source, title, language, published, chars, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [doc.doc_id, doc.sha256, doc.source, doc.title, doc.language, doc.published, len(doc.text), doc.text],
        )

    def write_run(self, doc: Document, run: RunInfo, usage: Any, rows: dict[str, list[dict]] | None,
                  status: str = "ok", error: str | None = None) -> str:
        """Document, run and all its rows in one transaction; replaces an earlier try of the same run."""
        run_id = run.run_id
        with self.transaction():
            self.add_document(doc)
            for table in ("evidence", "actors", "transfers", "meetings", "deployments", "runs"):
                self.con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
            self.con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, run.doc_id, run.provider, run.model, run.prompt_version, run.prompt_hash,
                 run.schema_version, json.dumps(run.params), run.started_at, datetime.now(),
                 usage.calls, usage.prompt_tokens, usage.completion_tokens, round(usage.seconds, 3),
                 status, error],
            )
            for table, items in (rows or {}).items():
                for item in items:
                    self._insert(table, {"run_id": run_id, "doc_id": run.doc_id, **item})
        return run_id

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))

    # --- reads ------------------------------------------------------------------------------
    def query(self, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall() if cur.description else []


class _Tx:
    """BEGIN … COMMIT, or ROLLBACK on any exception (a crash leaves no half-written document)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("BEGIN TRANSACTION")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")
