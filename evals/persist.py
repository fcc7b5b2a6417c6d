"""Store eval runs (summary, scores, every match decision) and compare two of them."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from evals.match import Pair
from evals.score import DocScore, micro
from evals.summary import EvalMeta, Summary
from extract.store import Store
from schemas import kinds


def match_key(kind: str, record: Any) -> str:
    """Readable and stable across runs: what a person would call this record."""
    return kinds.get(kind).key_text(record)


def _pair_row(eval_id: str, doc_id: str, kind: str, pair: Pair) -> list[Any]:
    anchor = pair.gold if pair.gold is not None else pair.pred.record
    return [eval_id, doc_id, kind, pair.outcome, match_key(kind, anchor),
            pair.pred.record.model_dump_json() if pair.pred else None,
            pair.gold.model_dump_json() if pair.gold is not None else None,
            pair.pred.confidence if pair.pred else None, pair.pred.grounded if pair.pred else None]


def save_eval(store: Store, meta: EvalMeta, summary: Summary, docs: list[DocScore]) -> str:
    """Store the run; `summary` holds the JSON scores plus the metadata (the predictions folder)."""
    started = meta.started_at
    eval_id = hashlib.sha256(f"{meta.gold_dir}|{meta.provider}|{meta.model}|{started.isoformat()}".encode()
                             ).hexdigest()[:12]
    stored = {**summary.to_json(), "meta": {**meta.to_json(), "eval_id": eval_id}}
    with store.transaction():
        store.con.execute(
            "INSERT INTO eval_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [eval_id, meta.gold_dir, meta.provider, meta.model, meta.prompt_version, meta.prompt_hash,
             meta.schema_version, meta.repeats, len(docs), started, datetime.now(), json.dumps(stored, default=str)])
        _insert(store, "eval_scores", [
            [eval_id, scope, mode, kind, s["tp"], s["fp"], s["fn"], s["precision"], s["recall"], s["f1"]]
            for scope, group in [("set", docs), *[(d.doc_id, [d]) for d in docs]]
            for mode in ("strict", "lenient")
            for kind, s in micro(group, lenient=mode == "lenient").items()])
        _insert(store, "eval_matches", [_pair_row(eval_id, d.doc_id, kind, pair)
                                        for d in docs for kind, result in d.results.items()
                                        for pair in result.pairs])
    return eval_id


def _insert(store: Store, table: str, rows: list[list[Any]], per_statement: int = 200) -> None:
    """Rows in order, a few hundred per INSERT: one statement per row cost ~0.4 ms each, and a
    25-document eval stores about a thousand rows."""
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        marks = ", ".join(["(" + ", ".join("?" * len(chunk[0])) + ")"] * len(chunk))
        store.con.execute(f"INSERT INTO {table} VALUES {marks}", [v for row in chunk for v in row])


def compare(store: Store, a: str, b: str) -> dict[str, Any]:
    """Per-type F1 deltas and the records that B fixed or broke relative to A."""
    for eval_id in (a, b):
        if not store.query("SELECT 1 FROM eval_runs WHERE eval_id = ?", [eval_id])[1]:
            raise ValueError(f"no eval run {eval_id!r}; see `sitrep sql 'SELECT * FROM eval_runs'`")
    _, rows = store.query(
        "SELECT x.record_type, x.f1, y.f1 FROM eval_scores x JOIN eval_scores y USING (scope, mode, record_type) "
        "WHERE x.eval_id = ? AND y.eval_id = ? AND scope = 'set' AND mode = 'strict'", [a, b])
    deltas = {kind: {"a": fa, "b": fb, "delta": fb - fa} for kind, fa, fb in rows}

    def outcomes(eval_id: str) -> dict[tuple, str]:
        _, found = store.query("SELECT doc_id, record_type, match_key, outcome FROM eval_matches "
                               "WHERE eval_id = ? AND outcome <> 'duplicate'", [eval_id])
        return {(d, k, m): o for d, k, m, o in found}

    before, after = outcomes(a), outcomes(b)
    fixed, broken = [], []
    for key in sorted(set(before) | set(after)):
        was, now = before.get(key), after.get(key)
        if was in {"fn", "fp"} and now in {None, "tp", "optional"} or (was is None and now == "tp"):
            fixed.append({"doc": key[0], "type": key[1], "record": key[2], "was": was, "now": now})
        elif now in {"fn", "fp"} and was in {None, "tp", "optional"}:
            broken.append({"doc": key[0], "type": key[1], "record": key[2], "was": was, "now": now})
    return {"a": a, "b": b, "f1": deltas, "fixed": fixed, "broken": broken}


def latest_agreement(store: Store, gold_dir: str) -> dict[str, float] | None:
    """F1 per type of the newest stored annotator agreement on this gold folder: the ceiling."""
    _, rows = store.query("SELECT summary FROM eval_runs WHERE provider = 'agreement' AND gold_dir = ? "
                          "ORDER BY finished_at DESC LIMIT 1", [gold_dir])
    return json.loads(rows[0][0])["f1"] if rows else None
