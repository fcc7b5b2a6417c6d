"""Parquet shards instead of one DuckDB writer: `--out DIR` writes them, `sitrep import DIR` loads them.

Why: on a cluster the single DuckDB writer is the ceiling (and the file cannot sit on object
storage), so a run writes its rows as Parquet, one folder per table, DIR/<table>/part-*.parquet.
The rows are exactly what the store would write: each document goes through `Store.write_run` on an
in-memory database, which is exported every `docs_per_shard` documents. DuckDB can query the shards
directly (`read_parquet('DIR/transfers/*.parquet')`); `import_shards` loads them into a database
idempotently: a run already stored with a good result is not loaded again, and rows whose key is
present are ignored, so importing twice, or two overlapping runs, stores each row once.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from extract.load import Document
from extract.store import GOOD, Answer, NotStored, RunInfo, Store
from schemas import kinds

RECORD_TABLES = (*(k.table for k in kinds.kinds()), "evidence")
TABLES = ("documents", "runs", *RECORD_TABLES)


class ShardWriter:
    """The part of Store's interface the runner uses, writing Parquet shards."""

    def __init__(self, out: Path, docs_per_shard: int = 1000) -> None:
        self.out, self.docs_per_shard = Path(out), docs_per_shard
        self.out.mkdir(parents=True, exist_ok=True)
        self._db = Store(":memory:")
        self._pending = 0
        self.shards = 0

    def run_status(self, run_id: str) -> str | None:
        """Shards are not read back: skipping stored runs is `sitrep import`'s job."""
        return None

    def release(self) -> None:
        """Nothing to close between documents (the in-memory database must stay open)."""

    def write_load_error(self, source: str, error: str) -> None:
        """Inputs that failed to load are reported on the terminal; shards hold documents only."""

    def write_run(self, doc: Document, run: RunInfo, usage: Any, rows: dict[str, list[dict]] | None,
                  status: str = "ok", error: str | None = None) -> str:
        outcome = self.write_runs([Answer(doc, run, usage, rows, status, error)])[0]
        if outcome is not None:
            raise outcome
        return run.run_id

    def write_runs(self, answers: list[Answer]) -> list[NotStored | None]:
        outcomes = self._db.write_runs(answers)
        self._pending += len(answers)
        if self._pending >= self.docs_per_shard:
            self.flush()
        return outcomes

    def flush(self) -> None:
        """Export what is held as one shard per table, then start empty."""
        if not self._pending:
            return
        name = f"part-{uuid.uuid4().hex[:12]}.parquet"
        con = self._db.con
        for table in TABLES:
            (self.out / table).mkdir(exist_ok=True)
            target = str(self.out / table / name).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{target}' (FORMAT parquet)")
        for table in reversed(TABLES):
            con.execute(f"DELETE FROM {table}")
        self._pending = 0
        self.shards += 1

    def close(self) -> None:
        self.flush()
        self._db.close()


def import_shards(store: Store, folder: Path) -> dict[str, int]:
    """Load a shard folder into the database in one transaction; returns rows added per table."""
    folder = Path(folder)
    if not (folder / "runs").is_dir():
        raise ValueError(f"{folder}: not a shard folder (no runs/ inside); write one with `sitrep extract --out`")
    con, added = store.con, {}
    glob = {t: str(folder / t / "*.parquet").replace("'", "''") for t in TABLES}
    good = ", ".join(f"'{s}'" for s in GOOD)
    with store.transaction():
        before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        con.execute("INSERT OR IGNORE INTO documents BY NAME SELECT * EXCLUDE (added_at) "
                    f"FROM read_parquet('{glob['documents']}')")
        # the newest try of each run in the shards, unless the database already holds a good result
        con.execute(f"CREATE TEMP TABLE incoming AS SELECT * FROM read_parquet('{glob['runs']}') "
                    f"WHERE run_id NOT IN (SELECT run_id FROM runs WHERE status IN ({good})) "
                    "QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY finished_at DESC) = 1")
        for table in (*RECORD_TABLES, "runs"):  # a stored failed try is replaced
            con.execute(f"DELETE FROM {table} WHERE run_id IN (SELECT run_id FROM incoming)")
        con.execute("INSERT INTO runs BY NAME SELECT * FROM incoming")
        for table in RECORD_TABLES:
            con.execute(f"INSERT OR IGNORE INTO {table} BY NAME SELECT * FROM read_parquet('{glob[table]}') "
                        "WHERE run_id IN (SELECT run_id FROM incoming)")
        con.execute("DROP TABLE incoming")
        added = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] - before[t] for t in TABLES}
    return added
