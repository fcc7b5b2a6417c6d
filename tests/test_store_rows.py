"""The store's batched write path (one state query, multi-row INSERTs, a plain document INSERT when the
document is new) stores exactly the rows a plain row-by-row writer stores, in every case of a run's life."""

import json
from datetime import datetime
from pathlib import Path

import duckdb

from extract.load import document_from_text
from extract.providers.base import Usage
from extract.store import GOOD, RunInfo, Store
from tests.stub_server import article

NO_TIME = {"documents": "* EXCLUDE (added_at)", "runs": "* EXCLUDE (started_at, finished_at)",
           "load_errors": "* EXCLUDE (failed_at)"}
TABLES = ("documents", "runs", "actors", "transfers", "meetings", "deployments", "evidence", "load_errors")
STARTED = datetime(2024, 5, 3, 12, 0)


def rows(n: int) -> dict[str, list[dict]]:
    """n actors and one transfer with their evidence; aliases and a NULL role exercise the types."""
    quote = "Russia has delivered 12 S-400 launchers to Belarus"
    actors = [{"idx": i, "name": f"Actor {i}", "aliases": [f"A{i}"] if i % 2 else [], "kind": "state",
               "country": "RUS" if i % 2 else None, "role": None, "confidence": 0.5 + i / 100, "grounded": True,
               "record": json.dumps({"name": f"Actor {i}", "evidence": [quote]})} for i in range(n)]
    transfers = [{"idx": 0, "supplier": "Russia", "recipient": "Belarus", "weapon": "S-400", "category": "air_defence",
                  "quantity_min": 12, "quantity_max": 12, "quantity_text": "12", "status": "delivered",
                  "certainty": "confirmed", "when_start": "2024-05", "when_end": None, "confidence": 0.9,
                  "grounded": True, "record": "{}"}]
    evidence = [{"record_type": kind, "record_idx": i, "quote_idx": 0, "quote": quote, "start_char": 20,
                 "end_char": 20 + len(quote), "method": "exact", "grounded": True}
                for kind, count in (("actors", n), ("transfers", 1)) for i in range(count)]
    return {"actors": actors, "transfers": transfers, "meetings": [], "deployments": [], "evidence": evidence}


def reference_write(con: duckdb.DuckDBPyConnection, doc, run: RunInfo, usage: Usage, table_rows, status: str,
                    error: str | None) -> None:
    """What the store did before its write path was batched: every statement, one row at a time."""
    con.execute("BEGIN TRANSACTION")
    found = con.execute("SELECT status FROM runs WHERE run_id = ?", [run.run_id]).fetchone()
    stored = found[0] if found else None
    if status not in GOOD and stored in GOOD:
        con.execute("COMMIT")
        return
    con.execute("INSERT INTO documents (doc_id, sha256, source, title, language, published, chars, text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [doc.doc_id, doc.sha256, doc.source, doc.title, doc.language, doc.published, len(doc.text), doc.text])
    con.execute("DELETE FROM load_errors WHERE source = ?", [doc.source])
    for table in ("evidence", "actors", "transfers", "meetings", "deployments", "runs") if stored else ():
        con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run.run_id])
    con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run.run_id, run.doc_id, run.provider, run.model, run.prompt_version, run.prompt_hash,
                 run.schema_version, json.dumps(run.params), run.started_at, datetime.now(), usage.calls,
                 usage.prompt_tokens, usage.completion_tokens, round(usage.seconds, 3), status, error])
    for table, items in (table_rows or {}).items():
        for item in items:
            row = {"run_id": run.run_id, "doc_id": run.doc_id, **item}
            con.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                        list(row.values()))
    con.execute("COMMIT")


def dump(path: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(path), read_only=True)
    out = {t: sorted(map(repr, con.execute(f"SELECT {NO_TIME.get(t, '*')} FROM {t}").fetchall())) for t in TABLES}
    con.close()
    return out


def test_batched_writes_store_exactly_what_row_by_row_writes_store(tmp_path):
    docs = [document_from_text(article(i), source=f"https://example.org/{i}") for i in range(4)]
    run = {(d.doc_id, m): RunInfo(d.doc_id, "openai", m, "v1", "h", 1, {"n": 1}, STARTED, input_sha="s")
           for d in docs for m in ("m1", "m2")}
    usage = Usage(calls=1, prompt_tokens=100, completion_tokens=50, seconds=0.5)
    a, b, c, d = docs
    steps = [  # (document, model, rows, status): a run's whole life
        (a, "m1", rows(3), "ok"),
        (a, "m2", rows(1), "ok"),  # the document is stored already: another run of it
        (b, "m1", None, "failed"),
        (b, "m1", rows(2), "ok"),  # a good result replaces the failed try
        (b, "m1", None, "failed"),  # a failure never replaces a good result
        (c, "m1", rows(5), "ok"),  # its source had a load error before
        (c, "m1", rows(2), "partial"),  # --force: the run is rewritten
        (d, "m2", {"actors": [], "transfers": [], "meetings": [], "deployments": [], "evidence": []}, "ok"),
    ]
    with Store(tmp_path / "batched.duckdb") as store, Store(tmp_path / "reference.duckdb") as ref:
        for s in (store, ref):
            s.write_load_error(c.source, "could not read it")
            s.write_load_error("https://example.org/other", "still broken")
        for doc, model, table_rows, status in steps:
            error = None if status in GOOD else "model answer was not JSON"
            store.write_run(doc, run[doc.doc_id, model], usage, table_rows, status, error)
            reference_write(ref.con, doc, run[doc.doc_id, model], usage, table_rows, status, error)
    batched, reference = dump(tmp_path / "batched.duckdb"), dump(tmp_path / "reference.duckdb")
    assert (len(batched["documents"]), len(batched["runs"]), len(batched["actors"]), len(batched["evidence"]),
            len(batched["load_errors"])) == (4, 5, 3 + 1 + 2 + 2, 4 + 2 + 3 + 3, 1)
    assert batched == reference
