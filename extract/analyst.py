"""Rebuild the analyst tables (entities, entity_links, facts_*, fact_reports) from the latest runs.

The rebuild is idempotent and whole: everything is derived from `latest_*`, so a re-extracted
document, a new lexicon entry or a changed rule never leaves stale links behind. A fingerprint of
what it was built from (the latest run ids, the lexicon data, RULES_VERSION) makes a refresh that
finds nothing new cost one query; `sitrep extract` refreshes after its batch, `report`, `export`
and `show --html` before they read, `sitrep link` on demand.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from extract import entities, facts
from extract.entities import Mention
from extract.store import Store

RULES_VERSION = "1"  # bump when entities.py or facts.py change what they produce
DATA = Path(__file__).with_name("data")
FACT_TABLES = {"transfers": "facts_transfers", "meetings": "facts_meetings", "deployments": "facts_deployments"}
ROLE_SQL = """
SELECT run_id, doc_id, 'transfers', idx, 'supplier', 0, supplier FROM latest_transfers
UNION ALL SELECT run_id, doc_id, 'transfers', idx, 'recipient', 0, recipient FROM latest_transfers
UNION ALL SELECT run_id, doc_id, 'deployments', idx, 'sender', 0, sender FROM latest_deployments
UNION ALL SELECT run_id, doc_id, 'deployments', idx, 'host', 0, host FROM latest_deployments
UNION ALL SELECT run_id, doc_id, 'meetings', idx, 'participant', generate_subscripts(participants, 1) - 1,
                 unnest(participants) FROM latest_meetings
"""


@dataclass
class Built:
    entities: int
    links: int
    facts: dict[str, int]
    seconds: float
    rebuilt: bool


def fingerprint(store: Store) -> str:
    runs = store.query("SELECT coalesce(string_agg(run_id, ',' ORDER BY run_id), '') FROM latest_runs")[1][0][0]
    data = b"".join(p.read_bytes() for p in sorted(DATA.glob("*.json")))
    return hashlib.sha256(f"{RULES_VERSION}|{runs}|".encode() + data).hexdigest()[:24]


def _mentions(store: Store) -> tuple[list[Mention], list[Mention], list[Mention]]:
    _, actors = store.query(
        "SELECT a.run_id, a.doc_id, a.idx, a.name, a.aliases, a.kind, a.country, d.language "
        "FROM latest_actors a JOIN documents d USING (doc_id) ORDER BY a.doc_id, a.idx")
    _, roles = store.query(f"SELECT * FROM ({ROLE_SQL}) ORDER BY ALL")
    _, weapons = store.query("SELECT run_id, doc_id, idx, weapon, category FROM latest_transfers ORDER BY doc_id, idx")
    return (
        [Mention(run, doc, "actors", idx, "actor", 0, name, kind, country, tuple(aliases or ()), lang)
         for run, doc, idx, name, aliases, kind, country, lang in actors],
        [Mention(run, doc, rtype, idx, role, pos, name) for run, doc, rtype, idx, role, pos, name in roles if name],
        [Mention(run, doc, "transfers", idx, "weapon", 0, name, category=category)
         for run, doc, idx, name, category in weapons],
    )


def _insert(store: Store, table: str, rows: list[dict] | list[tuple], cols: list[str] | None = None) -> None:
    if not rows:
        return
    cols = cols or list(rows[0])  # type: ignore[arg-type]
    values = [list(r.values()) if isinstance(r, dict) else list(r) for r in rows]
    columns = [list(c) for c in zip(*values, strict=True)]
    # One statement with a list per column (unnested side by side): executemany costs a round trip per row.
    select = ", ".join(f"unnest(${i + 1})" for i in range(len(cols)))
    store.con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select}", columns)


def _write_entities(store: Store) -> tuple[int, int]:
    actors, roles, weapons = _mentions(store)
    found = entities.resolve(actors, roles, weapons)
    links = [(m.run_id, m.doc_id, m.record_type, m.record_idx, m.role, m.pos, m.surface, m.key, m.rule, m.detail)
             for m in [*actors, *roles, *weapons]]
    store.con.execute("DELETE FROM entity_links")
    store.con.execute("DELETE FROM entities")
    _insert(store, "entities", [e.row() for e in found.values()],
            ["entity_id", "kind", "name", "country", "category", "surface_forms", "rules", "n_mentions", "n_documents"])
    _insert(store, "entity_links", links, ["run_id", "doc_id", "record_type", "record_idx", "role", "pos", "surface",
                                           "entity_id", "rule", "detail"])
    return len(found), len(links)


def _write_facts(store: Store) -> dict[str, int]:
    store.con.execute("DELETE FROM fact_reports")
    counts = {}
    for record_type, table in FACT_TABLES.items():
        cols, rows = store.query(f"SELECT * FROM {record_type}_evidence")
        built = facts.BUILDERS[record_type]([dict(zip(cols, r, strict=True)) for r in rows])
        store.con.execute(f"DELETE FROM {table}")
        _insert(store, table, [fact for fact, _ in built])
        _insert(store, "fact_reports", [(record_type, fact["fact_id"], r["run_id"], r["doc_id"], r["record_idx"])
                                        for fact, group in built for r in group],
                ["record_type", "fact_id", "run_id", "doc_id", "record_idx"])
        counts[table] = len(built)
    return counts


def refresh(store: Store, force: bool = False) -> Built:
    """Rebuild the analyst tables when what they derive from changed (or always, with force)."""
    started = time.perf_counter()
    stamp = fingerprint(store)
    _, old = store.query("SELECT value FROM analyst_state WHERE key = 'fingerprint'")
    if not force and old and old[0][0] == stamp:
        return Built(0, 0, {}, time.perf_counter() - started, False)
    with store.transaction():
        n_entities, n_links = _write_entities(store)
        counts = _write_facts(store)
        store.con.execute("INSERT OR REPLACE INTO analyst_state VALUES ('fingerprint', ?, current_timestamp)", [stamp])
    return Built(n_entities, n_links, counts, time.perf_counter() - started, True)
