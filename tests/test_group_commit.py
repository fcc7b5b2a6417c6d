"""Group commit (issue 11, the store target): answers the writer holds at once go into one
transaction, with exactly the rows that one transaction per document would store, and a bad
answer in a group costs only itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import spool
from extract.load import document_from_text
from extract.providers.base import Usage
from extract.store import Answer, NotStored, RunInfo, Store

SKIP = {"finished_at", "started_at", "added_at"}  # clock columns differ between any two writes


def _answer(i: int, status: str = "ok", text: str | None = None, model: str = "m") -> Answer:
    doc = document_from_text(text or f"Country {i} sent {i} tanks to its neighbour in May 2024.", source=f"d{i}.txt")
    run = RunInfo(doc.doc_id, "openai-compatible", model, "v4", "hash", 1)
    rows = None if status == "failed" else {
        "actors": [{"idx": k, "name": f"Country {i}-{k}", "aliases": [], "kind": "state", "country": None,
                    "role": None, "confidence": 0.9, "grounded": True, "record": "{}"} for k in range(1 + i % 3)],
        "evidence": [{"record_type": "actors", "record_idx": 0, "quote_idx": 0, "quote": "Country", "start_char": 0,
                      "end_char": 7, "method": "exact", "grounded": True}]}
    return Answer(doc, run, Usage(calls=1, prompt_tokens=10 * i, completion_tokens=i), rows, status,
                  None if status == "ok" else "the server did not answer")


def _tables(db: Path) -> dict[str, list[tuple]]:
    with Store(db) as store:
        out = {}
        for table in ("documents", "runs", "actors", "evidence"):
            cols, _ = store.query(f"SELECT * FROM {table} LIMIT 0")
            keep = [c for c in cols if c not in SKIP]
            out[table] = store.query(f"SELECT {', '.join(keep)} FROM {table} ORDER BY ALL")[1]
        return out


def _commits(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted = [0]
    original = store.transaction

    def counting():
        counted[0] += 1
        return original()

    monkeypatch.setattr(store, "transaction", counting)
    return counted


def test_a_group_stores_what_one_transaction_per_document_stores(tmp_path, monkeypatch):
    answers = [_answer(i) for i in range(12)]
    with Store(tmp_path / "alone.duckdb") as store:
        for a in answers:
            store.write_run(a.doc, a.run, a.usage, a.rows, a.status, a.error)
    with Store(tmp_path / "group.duckdb") as store:
        commits = _commits(store, monkeypatch)
        assert store.write_runs(answers) == [None] * 12
        assert commits[0] == 1
    alone, group = _tables(tmp_path / "alone.duckdb"), _tables(tmp_path / "group.duckdb")
    assert group == alone and len(group["runs"]) == 12 and len(group["actors"]) == sum(1 + i % 3 for i in range(12))


def test_a_group_keeps_the_rules_of_one_write(tmp_path):
    """A stored good run survives a failed try in a group; a good redo replaces; a document two runs
    share is stored once."""
    with Store(tmp_path / "s.duckdb") as store:
        store.write_runs([_answer(0), _answer(1)])
        again = _answer(1, model="other")  # same document, another run
        outcome = store.write_runs([_answer(0, status="failed"), _answer(1), again, _answer(2, status="failed")])
        assert outcome == [None] * 4
        runs = dict(store.query("SELECT doc_id || '/' || model, status FROM runs")[1])
        assert sorted(runs.values()) == ["failed", "ok", "ok", "ok"]
        assert store.query("SELECT count(*) FROM documents")[1] == [(3,)]
        assert store.query("SELECT count(*) FROM actors")[1] == [(1 + 2 + 2,)]  # 0: one actor, 1: two, twice


def test_one_bad_answer_costs_only_itself(tmp_path):
    """The group cannot commit (a row names a column the table lacks), so each answer is written
    alone: the good ones are stored, the bad one is kept in the spool and named."""
    bad = _answer(5)
    bad.rows["actors"][0]["no_such_column"] = 1
    answers = [_answer(1), bad, _answer(2)]
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        outcome = store.write_runs(answers)
        assert outcome[0] is None and outcome[2] is None
        assert isinstance(outcome[1], NotStored) and "kept in" in str(outcome[1])
        assert store.query("SELECT count(*) FROM runs")[1] == [(2,)]
        assert store.query("SELECT count(*) FROM documents WHERE doc_id = ?", [bad.doc.doc_id])[1] == [(0,)]
    assert [p.stem for p in spool.pending(db)] == [bad.run.run_id]


def test_the_same_run_twice_in_a_group_is_written_in_order(tmp_path):
    """Two answers of one run cannot share a transaction's inserts; they go one by one, the later
    good one winning, as two separate writes would."""
    first, second = _answer(3, status="failed"), _answer(3)
    with Store(tmp_path / "s.duckdb") as store:
        assert store.write_runs([first, second]) == [None, None]
        assert store.query("SELECT status FROM runs")[1] == [("ok",)]
