"""DuckDB store: versioned migrations, all-or-nothing documents, idempotent runs.

A document's rows are written in one transaction with it. Answers that are ready together (a
writer behind its workers) share one transaction (group commit): each commit costs an fsync and
each statement about a millisecond, which caps one-per-document writes near 100 a second here.

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
from dataclasses import dataclass, field, replace
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
                self._write_group([Answer(**{**kept, "run": RunInfo(**kept["run"])})])
            except (duckdb.Error, StoreError, OSError, ValueError, TypeError, KeyError) as exc:
                log.warning("kept answer %s is still not stored: %s", path, _one_line(exc))
                self.release()
                continue
            spool.done(path)
            stored += 1
        if stored:
            log.warning("stored %d answer(s) kept from an earlier run that could not write them", stored)
        return stored

    def add_document(self, doc: Document) -> None:
        """The document alone (a batch submit records its inputs before any answer exists)."""
        row = _document_row(doc)
        self.con.execute(f"INSERT INTO documents ({', '.join(row)}) VALUES ({_marks(len(row))}) "
                         "ON CONFLICT DO NOTHING", list(row.values()))

    def write_run(self, doc: Document, run: RunInfo, usage: Any, rows: dict[str, list[dict]] | None,
                  status: str = "ok", error: str | None = None) -> str:
        """Document, run and all its rows in one transaction; replaces an earlier try of the same run,
        except that a failure never replaces a good result. When the write cannot happen, the answer
        is kept (extract.spool) and NotStored names the document."""
        outcome = self.write_runs([Answer(doc, run, usage, rows, status, error)])[0]
        if outcome is not None:
            raise outcome
        return run.run_id

    def write_runs(self, answers: list[Answer]) -> list[NotStored | None]:
        """Answers the writer holds at once, committed together (group commit): a commit costs an
        fsync and each statement about a millisecond, so one transaction per document caps a
        writer near 100 documents per second however small they are. Each document stays all or
        nothing, and nothing waits for company: a writer that keeps up sees groups of one. If the
        group cannot be written, each answer is written alone, and one that still fails is kept
        (extract.spool): the outcome per answer is None (stored) or its NotStored."""
        answers = [replace(a, error=redact(a.error)) if a.error else a for a in answers]
        if len(answers) > 1 and len({a.run.run_id for a in answers}) == len(answers):
            try:
                self._write_group(answers)
                return [None] * len(answers)
            except (duckdb.Error, StoreError) as exc:
                log.info("a group of %d answers is written one by one: %s", len(answers), _one_line(exc))
                self.release()  # after a failed commit DuckDB may have invalidated the connection
        return [self._write_alone(a) for a in answers]

    def _write_alone(self, answer: Answer) -> NotStored | None:
        try:
            self._write_group([answer])
            return None
        except (duckdb.Error, StoreError) as exc:  # the caller names the document (doc.source)
            self.release()
            kept = spool.keep(self.path, answer.doc, answer.run, answer.usage, answer.rows, answer.status,
                              answer.error)
            where = f"the answer is kept in {kept} and the next `sitrep extract` stores it" if kept else \
                "the answer could not be kept either"
            failure = NotStored(f"not stored ({_one_line(exc, 200)}); {where}")
            failure.__cause__ = exc
            return failure

    def _write_group(self, answers: list[Answer]) -> None:
        """One transaction: documents not stored yet, the runs and every row. A stored run of the
        same identity is replaced, unless this try failed and the stored one is good."""
        with self.transaction():
            runs, docs, load_errors = self._write_state(answers)
            kept = []
            for a in answers:
                if a.status not in GOOD and runs.get(a.run.run_id) in GOOD:
                    log.warning("%s: this try failed; the stored result of run %s is kept", a.doc.source,
                                a.run.run_id)
                else:
                    kept.append(a)
            new_docs = {a.doc.doc_id: a.doc for a in kept if a.doc.doc_id not in docs}
            self._insert_many("documents", [_document_row(d) for d in new_docs.values()])
            self._delete_in("load_errors", "source", sorted({a.doc.source for a in kept} & load_errors))
            replaced = [a.run.run_id for a in kept if a.run.run_id in runs]
            for table in ("evidence", *kinds.names(), "runs") if replaced else ():
                self._delete_in(table, "run_id", replaced)
            self._insert_many("runs", [_run_row(a) for a in kept])
            tables: dict[str, list[dict[str, Any]]] = {}
            for a in kept:
                for table, items in (a.rows or {}).items():
                    tables.setdefault(table, []).extend(
                        {"run_id": a.run.run_id, "doc_id": a.run.doc_id, **item} for item in items)
            for table, rows in tables.items():
                self._insert_many(table, rows)

    def _write_state(self, answers: list[Answer]) -> tuple[dict[str, str], set[str], set[str]]:
        """The stored runs' status, the documents already stored, the sources with a load error:
        one query, so that a write pays only for the statements it needs (each costs about a
        millisecond; a document's write is about eight of them)."""
        run_ids = [a.run.run_id for a in answers]
        doc_ids = sorted({a.doc.doc_id for a in answers})
        sources = sorted({a.doc.source for a in answers})
        found = self.con.execute(
            f"SELECT 'run', run_id, status FROM runs WHERE run_id IN ({_marks(len(run_ids))}) "
            f"UNION ALL SELECT 'doc', doc_id, NULL FROM documents WHERE doc_id IN ({_marks(len(doc_ids))}) "
            f"UNION ALL SELECT 'err', source, NULL FROM load_errors WHERE source IN ({_marks(len(sources))})",
            [*run_ids, *doc_ids, *sources]).fetchall()
        runs = {key: status for what, key, status in found if what == "run"}
        return runs, {k for w, k, _ in found if w == "doc"}, {k for w, k, _ in found if w == "err"}

    def _delete_in(self, table: str, column: str, keys: list[str]) -> None:
        if keys:
            self.con.execute(f"DELETE FROM {table} WHERE {column} IN ({_marks(len(keys))})", keys)

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
            marks = ", ".join([f"({_marks(len(cols))})"] * len(group))
            self.con.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES {marks}",
                             [row[c] for row in group for c in cols])

    # --- reads ------------------------------------------------------------------------------
    def query(self, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall() if cur.description else []


@dataclass(frozen=True)
class Answer:
    """One document's result as the writer holds it: what `Store.write_run` stores."""
    doc: Document
    run: RunInfo
    usage: Any
    rows: dict[str, list[dict]] | None
    status: str = "ok"
    error: str | None = None


def _marks(n: int) -> str:
    """`n` query parameters, for IN lists and VALUES rows."""
    return ", ".join("?" * n)


def _document_row(doc: Document) -> dict[str, Any]:
    return {"doc_id": doc.doc_id, "sha256": doc.sha256, "source": doc.source, "title": doc.title,
            "language": doc.language, "published": doc.published, "chars": len(doc.text), "text": doc.text}


def _run_row(a: Answer) -> dict[str, Any]:
    run, usage = a.run, a.usage
    params = json.loads(redact(json.dumps(run.params)))
    return {"run_id": run.run_id, "doc_id": run.doc_id, "provider": run.provider, "model": run.model,
            "prompt_version": run.prompt_version, "prompt_hash": run.prompt_hash,
            "schema_version": run.schema_version, "params": json.dumps(params), "started_at": run.started_at,
            "finished_at": datetime.now(), "calls": usage.calls, "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens, "latency_s": round(usage.seconds, 3),
            "status": a.status, "error": a.error}


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
