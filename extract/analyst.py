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
from schemas import kinds

RULES_VERSION = "1"  # bump when entities.py or facts.py change what they produce
DATA = Path(__file__).with_name("data")


def role_sql() -> str:
    """Every role mention of the latest runs: (run, doc, kind, idx, role, position, name); a list
    role gives one row per member (role 'participant', its position in the list)."""
    def one(kind: kinds.Kind, role: str) -> str:
        if kind.many(role):
            return (f"SELECT run_id, doc_id, '{kind.name}', idx, '{kind.member(role)}', "
                    f"generate_subscripts({role}, 1) - 1, unnest({role}) FROM latest_{kind.table}")
        return f"SELECT run_id, doc_id, '{kind.name}', idx, '{role}', 0, {role} FROM latest_{kind.table}"

    return "\nUNION ALL ".join(one(kind, role) for kind in kinds.events() for role in kind.roles)


def _things(store: Store) -> list[Mention]:
    """What events are about (a transfer's weapon), as mentions for the weapon gazetteer."""
    out = []
    for kind in (k for k in kinds.events() if k.thing):
        _, found = store.query(f"SELECT run_id, doc_id, idx, {kind.thing}, category FROM latest_{kind.table} "
                               "ORDER BY doc_id, idx")
        out += [Mention(run, doc, kind.name, idx, kind.thing, 0, name, category=category)
                for run, doc, idx, name, category in found]
    return out


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
    _, roles = store.query(f"SELECT * FROM ({role_sql()}) ORDER BY ALL")
    return (
        [Mention(run, doc, kinds.ACTORS.name, idx, "actor", 0, name, kind, country, tuple(aliases or ()), lang)
         for run, doc, idx, name, aliases, kind, country, lang in actors],
        [Mention(run, doc, rtype, idx, role, pos, name) for run, doc, rtype, idx, role, pos, name in roles if name],
        _things(store),
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
    for kind in kinds.consolidated():
        record_type, table = kind.name, f"facts_{kind.table}"
        cols, rows = store.query(f"SELECT * FROM {record_type}_evidence")
        built = facts.build(kind, [dict(zip(cols, r, strict=True)) for r in rows])
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
