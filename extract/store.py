"""DuckDB store: versioned migrations, one transaction per document, idempotent runs.

A run is identified by (document, provider, model, server address or fixtures folder, prompt hash,
schema version): extracting the same document again with the same setup finds the run and writes
nothing; another model or another server makes another run. Every record row carries its run_id,
so model, prompt and schema version are one join away. API keys are never passed in here, and
what is stored (run params, error messages) goes through extract.redact first.

Failure rules: a failed redo never replaces a stored good result of the same run; a write that
cannot happen (disk full, a reader holding the file past `lock_wait_s`) keeps the answer in
`<db>.pending/` (extract.spool), names the document, and the next writer stores it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from extract import schema_seed, spool
from extract.load import Document
from extract.redact import redact, safe_url
from schemas import kinds

DEFAULT_DB = Path("sitrep.duckdb")
log = logging.getLogger("sitrep.store")
GOOD = ("ok", "partial")
# No extension is ever downloaded or loaded behind the user's back (a SQLite file given as --db
# made DuckDB fetch one).
NO_AUTOLOAD = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# `sitrep sql` and every read-only open: this database only, no other file, no network, no SET.
SANDBOX = {**NO_AUTOLOAD, "enable_external_access": False, "lock_configuration": True}
_SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message says why."""


class NotStored(StoreError):
    """One document's result could not be written; the answer is kept for the next run (see spool)."""


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
    backend: str = ""  # server address or fixtures folder (never credentials): another server, another run

    @property
    def run_id(self) -> str:
        parts = [self.doc_id, self.input_sha, self.provider, self.model, self.prompt_hash, str(self.schema_version)]
        extra = ([f"repeat={self.repeat}"] if self.repeat else []) + ([self.variant] if self.variant else [])
        extra += [f"backend={safe_url(self.backend)}"] if self.backend else []
        key = "|".join(parts + extra)
        return hashlib.sha256(key.encode()).hexdigest()[:16]


def migrations() -> list[tuple[int, str, str]]:
    files = sorted(p for p in resources.files("extract.migrations").iterdir() if p.name.endswith(".sql"))
    return [(int(p.name[:3]), p.name, p.read_text(encoding="utf-8")) for p in files]


def _create(path: Path) -> None:
    """A new database with every migration applied (the template extract.schema_seed copies)."""
    with Store(path, sandbox=True):
        pass


class Store:
    """`read_only` (and `sandbox`) connections run DuckDB with SANDBOX: no files, no network.
    `lock_wait_s`: how long a write waits for another process holding the file (SITREP_LOCK_WAIT)."""

    def __init__(self, path: Path | str = DEFAULT_DB, read_only: bool = False, sandbox: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.config = SANDBOX if read_only or sandbox else NO_AUTOLOAD
        self.lock_wait_s = _lock_wait()
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such database; run `sitrep extract` first")
        _not_sqlite(self.path)
        self._con: duckdb.DuckDBPyConnection | None = None
        if not read_only:
            if not sandbox and str(self.path) != ":memory:" and not self.path.exists():
                schema_seed.seed(self.path, _create)  # a copy of a migrated template, after the first
            self.migrate()
            if not sandbox:
                self.store_pending()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """Opened on demand. DuckDB lets one process write at a time, so a long batch
        `release()`s the file while the model works and `sitrep sql` can read meanwhile."""
        if self._con is None:
            self._con = self._connect()
        return self._con

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """Another process holding the file is waited for, with backoff, up to `lock_wait_s`."""
        deadline, pause = time.monotonic() + self.lock_wait_s, 0.05
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only, config=dict(self.config))
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() + pause > deadline:
                    raise StoreError(f"{self.path}: cannot open database: {_one_line(exc)}") from exc
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
            except duckdb.Error as exc:
                raise StoreError(f"{self.path}: cannot open database: {_one_line(exc)}") from exc

    def release(self) -> None:
        """Close the file until the next query (nothing is pending between documents)."""
        if self._con is not None:
            with contextlib.suppress(duckdb.Error):  # an invalidated connection may refuse to close
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

    def has_table(self, name: str) -> bool:
        """For read-only opens of a database written by an older sitrep (not migrated yet)."""
        return bool(self.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                     [name]).fetchone()[0])

    def migrate(self) -> list[str]:
        """Apply pending migrations in order, each in its own transaction."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR, "
            "applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        # By the set applied, not the highest: numbers are reserved per task, so 005 may arrive
        # after a database already has 006.
        done = {v for (v,) in self.con.execute("SELECT version FROM schema_version").fetchall()}
        applied = []
        for version, name, sql in migrations():
            if version in done:
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
        """None also when the file stays locked: the answer is then made, and kept if it cannot be stored."""
        try:
            con = self.con
        except StoreError as exc:
            log.warning("cannot check for a stored run: %s", exc)
            return None
        row = con.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchone()
        return row[0] if row else None

    def store_pending(self) -> int:
        """Write the answers an earlier run could not store; returns how many were stored."""
        stored = 0
        for path in spool.pending(self.path):
            try:
                kept = spool.load(path)
                self._write_run(**{**kept, "run": RunInfo(**kept["run"])})
            except (duckdb.Error, StoreError, OSError, ValueError, TypeError, KeyError) as exc:
                log.warning("kept answer %s is still not stored: %s", path, _one_line(exc))
                self.release()
                continue
            spool.done(path)
            stored += 1
        if stored:
            log.warning("stored %d answer(s) kept from an earlier run that could not write them", stored)
        return stored

    def add_document(self, doc: Document, new: bool = False) -> None:
        """`new`: the caller checked in this transaction that the document is not stored; a plain
        INSERT costs DuckDB a third of one with ON CONFLICT (0.9 against 3 ms of CPU here)."""
        self.con.execute(
            "INSERT INTO documents (doc_id, sha256, source, title, language, published, chars, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)" + ("" if new else " ON CONFLICT DO NOTHING"),
            [doc.doc_id, doc.sha256, doc.source, doc.title, doc.language, doc.published, len(doc.text), doc.text],
        )

    def write_run(self, doc: Document, run: RunInfo, usage: Any, rows: dict[str, list[dict]] | None,
                  status: str = "ok", error: str | None = None) -> str:
        """Document, run and all its rows in one transaction; replaces an earlier try of the same run,
        except that a failure never replaces a good result. When the write cannot happen, the answer
        is kept (extract.spool) and NotStored names the document."""
        error = redact(error) if error else error
        try:
            return self._write_run(doc, run, usage, rows, status, error)
        except (duckdb.Error, StoreError) as exc:  # the caller names the document (doc.source)
            self.release()  # after a failed commit DuckDB may have invalidated the connection
            kept = spool.keep(self.path, doc, run, usage, rows, status, error)
            where = f"the answer is kept in {kept} and the next `sitrep extract` stores it" if kept else \
                "the answer could not be kept either"
            raise NotStored(f"not stored ({_one_line(exc, 200)}); {where}") from exc

    def _write_run(self, doc: Document, run: RunInfo, usage: Any, rows: dict[str, list[dict]] | None,
                   status: str, error: str | None) -> str:
        run_id = run.run_id
        params = json.loads(redact(json.dumps(run.params)))
        with self.transaction():
            stored, have_doc, load_error = self._write_state(run_id, doc)
            if status not in GOOD and stored in GOOD:
                log.warning("%s: this try failed; the stored result of run %s is kept", doc.source, run_id)
                return run_id
            if not have_doc:
                self.add_document(doc, new=True)
            if load_error:
                self.con.execute("DELETE FROM load_errors WHERE source = ?", [doc.source])
            for table in ("evidence", *kinds.names(), "runs") if stored else ():
                self.con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
            self.con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, run.doc_id, run.provider, run.model, run.prompt_version, run.prompt_hash,
                 run.schema_version, json.dumps(params), run.started_at, datetime.now(),
                 usage.calls, usage.prompt_tokens, usage.completion_tokens, round(usage.seconds, 3),
                 status, error],
            )
            for table, items in (rows or {}).items():
                self._insert_many(table, [{"run_id": run_id, "doc_id": run.doc_id, **item} for item in items])
        return run_id

    def _write_state(self, run_id: str, doc: Document) -> tuple[str | None, bool, bool]:
        """The stored run's status, whether the document is stored, whether its source has a load
        error: one query, so that a write pays only for the statements it needs (each costs about
        a millisecond; a document's write is about eight of them)."""
        return self.con.execute(
            "SELECT (SELECT status FROM runs WHERE run_id = ?), EXISTS (SELECT 1 FROM documents WHERE doc_id = ?), "
            "EXISTS (SELECT 1 FROM load_errors WHERE source = ?)", [run_id, doc.doc_id, doc.source]).fetchone()

    def write_load_error(self, source: str, error: str) -> None:
        """A file that never became a document, so that `sitrep runs` lists it (newest try per file)."""
        try:
            with self.transaction():
                self.con.execute("DELETE FROM load_errors WHERE source = ?", [source])
                self.con.execute("INSERT INTO load_errors VALUES (?, ?, ?)", [source, redact(error), datetime.now()])
        except (duckdb.Error, StoreError) as exc:
            self.release()
            log.warning("%s: the load error could not be recorded: %s", source, _one_line(exc))

    def _insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        """One INSERT per table and column set: each statement costs about a millisecond (more while
        worker threads hold the GIL), so a document with 30 records no longer pays 30 of them."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        for cols, group in groups.items():
            marks = ", ".join(["(" + ", ".join("?" for _ in cols) + ")"] * len(group))
            self.con.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES {marks}",
                             [row[c] for row in group for c in cols])

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
        if not exc_type:
            self.con.execute("COMMIT")
            return
        with contextlib.suppress(duckdb.Error):  # a failed COMMIT has already ended the transaction
            self.con.execute("ROLLBACK")


def _lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get("SITREP_LOCK_WAIT", "60")))
    except ValueError:
        return 60.0


def _not_sqlite(path: Path) -> None:
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError:
        return
    if head == _SQLITE_MAGIC:
        raise StoreError(f"{path}: this is a SQLite database, not a DuckDB one; give another --db")


def _one_line(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return redact(text if len(text) <= limit else text[:limit] + " …")
