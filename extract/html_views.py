"""Self-contained HTML views: one document with its evidence marked, and the corpus report.

Files open from disk with no network: CSS and JS are inlined from extract/templates/, data goes in
as JSON (jinja's tojson escapes <, > and &), and the article text is escaped by autoescape.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from extract.store import Store, StoreError
from schemas import kinds

TEMPLATES = Path(__file__).with_name("templates")


def type_order() -> tuple[str, ...]:
    """Which colour a span covered by several records takes (a kind's `paint`): events before actors."""
    return tuple(k.name for k in sorted(kinds.kinds(), key=lambda k: k.paint))


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    # our own CSS/JS, inlined verbatim (Markup: autoescape must not touch it; data never goes through here)
    env.globals["asset"] = lambda name: Markup((TEMPLATES / name).read_text(encoding="utf-8"))
    env.globals["kinds"] = kinds.kinds  # each kind's colour: kinds.css.j2
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def summary(record_type: str, r: dict[str, Any]) -> str:
    """One line naming the record: 'North Korea → Russia: KN-23'."""
    return kinds.get(record_type).summary(r)


def _entities_of(store: Store, run_id: str) -> dict[str, list[str]]:
    """'transfers-0' → ['weapon: Hwasong-11A (lexicon)', …]: what each stored name resolved to."""
    _, rows = store.query(
        "SELECT l.record_type, l.record_idx, l.role, e.name, l.rule FROM entity_links l "
        "JOIN entities e USING (entity_id) WHERE l.run_id = ? ORDER BY l.record_type, l.record_idx, l.role, l.pos",
        [run_id])
    out: dict[str, list[str]] = {}
    for record_type, idx, role, name, rule in rows:
        out.setdefault(f"{record_type}-{idx}", []).append(f"{role}: {name} ({rule})")
    return out


def _records(store: Store, run_id: str) -> dict[str, dict[str, Any]]:
    """Every record of the run by id ('transfers-0'); fields as ordered [name, value] pairs."""
    entities = _entities_of(store, run_id)
    out: dict[str, dict[str, Any]] = {}
    for kind in kinds.kinds():
        record_type, fields = kind.name, kind.detail
        certainty = "certainty" if "certainty" in kind.columns else "NULL"
        cols, rows = store.query(f"SELECT idx, {', '.join(fields)}, {certainty} AS certainty, confidence, grounded "
                                 f"FROM {kind.table} WHERE run_id = ? ORDER BY idx", [run_id])
        for row in rows:
            r = dict(zip(cols, row, strict=True))
            rid = f"{record_type}-{r['idx']}"
            shown = [[f, r[f]] for f in fields if r[f] not in (None, [], "")]
            shown += [["entities", entities[rid]]] if rid in entities else []
            out[rid] = {"type": record_type, "summary": summary(record_type, r), "fields": shown,
                        "certainty": r["certainty"], "confidence": r["confidence"], "grounded": r["grounded"]}
    return out


def segments(text: str, spans: list[tuple[int, int, str]], records: dict[str, dict]) -> list[dict[str, Any]]:
    """The text cut at every span boundary; each piece lists the records whose evidence covers it."""
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    order = type_order()
    out = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        ids = sorted({rid for s, e, rid in spans if s <= start and end <= e},
                     key=lambda rid: (order.index(records[rid]["type"]), rid))
        piece = {"text": text[start:end], "ids": ids}
        if ids:
            piece["type"] = records[ids[0]]["type"]
            piece["title"] = "\n".join(records[rid]["summary"] for rid in ids)
        out.append(piece)
    return out


def document_context(store: Store, doc_id: str, run_id: str | None = None) -> dict[str, Any]:
    """Everything the document view shows; StoreError when the document or its run is missing."""
    _, docs = store.query("SELECT doc_id, title, source, published, language, text FROM documents "
                          "WHERE doc_id LIKE ? || '%'", [doc_id])
    if len(docs) != 1:
        raise StoreError(f"{len(docs)} documents match {doc_id!r}")
    doc = dict(zip(["doc_id", "title", "source", "published", "language", "text"], docs[0], strict=True))
    if run_id is None:
        _, found = store.query("SELECT run_id FROM latest_runs WHERE doc_id = ?", [doc["doc_id"]])
        if not found:
            raise StoreError(f"document {doc['doc_id']} has no successful run")
        run_id = found[0][0]
    records = _records(store, run_id)
    _, evidence = store.query("SELECT record_type, record_idx, quote, start_char, end_char, grounded FROM evidence "
                              "WHERE run_id = ? ORDER BY start_char NULLS LAST, record_type, record_idx", [run_id])
    spans = [(s, e, f"{t}-{i}") for t, i, _, s, e, g in evidence if g and s is not None and f"{t}-{i}" in records]
    ungrounded = [{"quote": q, "record": f"{t}-{i}", "summary": records.get(f"{t}-{i}", {}).get("summary", ""),
                   "type": t} for t, i, q, s, _, g in evidence if not g or s is None]
    counts = {t: sum(1 for r in records.values() if r["type"] == t) for t in kinds.names()}
    return {"doc": doc, "run_id": run_id, "records": records, "segments": segments(doc["text"], spans, records),
            "ungrounded": ungrounded, "counts": counts, "types": type_order()}


def write_document(store: Store, doc_id: str, out: Path, run_id: str | None = None, report: str | None = None) -> Path:
    """Write the document view to `out`; `report` is a relative link back to the corpus view."""
    html = render("document.html.j2", report=report, **document_context(store, doc_id, run_id))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
