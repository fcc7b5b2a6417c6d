"""The corpus view: consolidated facts as a supplier → recipient network, a timeline and a table.

Layout is computed here (a circle of entities, a date axis) so the page needs no library: the
SVG is drawn by the template, and the small script in templates/report.js only sorts, filters
and highlights.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from extract import html_views, lexicon
from extract.entities import skeleton
from extract.facts import CERTAINTIES, day_range
from extract.store import Store
from schemas import kinds
from schemas.kinds import Kind
from schemas.records import name_key

WIDTH, HEIGHT, RADIUS = 680, 460, 165
TIMELINE_WIDTH, LANE = 900, 46


def fact_certainty(f: dict[str, Any]) -> str:
    """One word for colour: disputed, else the firmest certainty any source gives."""
    if f["disputed"]:
        return "disputed"
    return next((c for c in CERTAINTIES if f[f"n_{c}"]), "reported")


def _facts(store: Store) -> list[dict[str, Any]]:
    out = []
    for kind in kinds.consolidated():
        record_type = kind.name
        cols, rows = store.query(_facts_sql(kind))
        for row in rows:
            f = dict(zip(cols, row, strict=True))
            f["type"], f["certainty"] = record_type, fact_certainty(f)
            f["date"] = f["when_start"] or f["first_seen"]
            f["status"] = f.get("status")
            out.append(f)
    return sorted(out, key=lambda f: (f["date"] or "", f["fact_id"]))


def _facts_sql(kind: Kind) -> str:
    """A kind's facts with the parties in words ('A → B', or 'A · B · C' for a list role), their
    entity ids as one list, and what happened (the kind's `what`)."""
    many = [r for r in kind.roles if kind.many(r)]
    if many:
        parties, ids = f"array_to_string({many[0]}, ' · ')", f"{kind.member(many[0])}_ids"
    else:
        parties = " || ' → ' || ".join(kind.roles)
        ids = "[" + ", ".join(f"{r}_id" for r in kind.roles) + "]"
    return f"SELECT *, {parties} AS parties, {ids} AS party_ids, {kind.what} AS what FROM facts_{kind.table}"


def lanes() -> tuple[str, ...]:
    """One timeline lane per consolidated kind."""
    return tuple(k.name for k in kinds.consolidated())


def actor_ids(store: Store, name: str) -> set[str]:
    """Entities an analyst means by NAME: a canonical name, any surface form, a spelling variant,
    or a gazetteer name ('Phenian' → North Korea)."""
    _, rows = store.query("SELECT entity_id, name, surface_forms FROM entities")
    wanted, variant = name_key(name), skeleton(name)
    found = {eid for eid, canonical, forms in rows
             if wanted in {name_key(f) for f in [canonical, *(forms or [])]} or skeleton(canonical) == variant}
    entry = lexicon.actor(name)
    if entry is not None and entry.kind == "state" and entry.country:
        found.add(f"state:{entry.country}")
    return found


def select(facts: list[dict[str, Any]], since: str | None, ids: set[str] | None) -> list[dict[str, Any]]:
    """Facts seen or happening on or after `since`, involving one of `ids`."""
    def recent(f: dict[str, Any]) -> bool:
        latest = max(filter(None, [f["last_seen"], f["when_end"], f["when_start"]]), default=None)
        return since is None or (latest is not None and latest[: len(since)] >= since[: len(latest)])

    return [f for f in facts if recent(f) and (ids is None or ids & set(filter(None, f["party_ids"])))]


def network(facts: list[dict[str, Any]]) -> dict[str, Any]:
    """Nodes on a circle, one edge per supplier → recipient pair (weight = facts): the flows of
    things, from every kind about a thing that passes from its first role to its second."""
    flows = {k.name: k.roles for k in kinds.consolidated() if k.thing and len(k.roles) == 2
             and not any(k.many(r) for r in k.roles)}
    edges: dict[tuple[str, str], list[dict]] = defaultdict(list)
    names: dict[str, str] = {}
    for f in facts:
        if f["type"] in flows:
            a, b = flows[f["type"]]
            s, r = f[f"{a}_id"] or f[a], f[f"{b}_id"] or f[b]
            names[s], names[r] = f[a], f[b]
            edges[(s, r)].append(f)
    degree = Counter(n for pair, fs in edges.items() for n in pair for _ in fs)
    order = sorted(names, key=lambda n: (-degree[n], names[n]))
    pos = {}
    for i, node in enumerate(order):
        angle = 2 * math.pi * i / max(len(order), 1) - math.pi / 2
        pos[node] = (round(WIDTH / 2 + RADIUS * math.cos(angle), 1), round(HEIGHT / 2 + RADIUS * math.sin(angle), 1))
    nodes = [{"id": n, "name": names[n], "x": pos[n][0], "y": pos[n][1], "degree": degree[n],
              "anchor": "start" if pos[n][0] > WIDTH / 2 + 1 else "end" if pos[n][0] < WIDTH / 2 - 1 else "middle"}
             for n in order]
    heaviest = max((len(fs) for fs in edges.values()), default=1)
    return {"width": WIDTH, "height": HEIGHT, "nodes": nodes,
            "edges": [_edge(s, r, fs, pos, names, heaviest) for (s, r), fs in sorted(edges.items())]}


def _edge(s: str, r: str, fs: list[dict], pos: dict, names: dict, heaviest: int) -> dict[str, Any]:
    """A curved arrow (so A → B and B → A do not overlap) stopping short of the target node."""
    (x1, y1), (x2, y2) = pos[s], pos[r]
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1
    ux, uy = dx / length, dy / length
    x1, y1, x2, y2 = x1 + ux * 14, y1 + uy * 14, x2 - ux * 18, y2 - uy * 18
    cx, cy = (x1 + x2) / 2 - uy * length * 0.12, (y1 + y2) / 2 + ux * length * 0.12
    certainties = {f["certainty"] for f in fs}
    colour = next(c for c in ("disputed", *CERTAINTIES) if c in certainties)
    weapons = ", ".join(sorted({f[kinds.get(f["type"]).thing] for f in fs}))
    return {"path": f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}", "weight": len(fs),
            "width": round(1.5 + 5 * (len(fs) - 1) / max(heaviest - 1, 1), 1),  # 1.5 .. 6.5, relative
            "certainty": colour, "source": s, "target": r,
            "title": f"{names[s]} → {names[r]}: {len(fs)} fact(s) ({weapons}); {colour}"}


def timeline(facts: list[dict[str, Any]]) -> dict[str, Any]:
    """Each fact a dot at the start of its date window, one lane per fact type."""
    dated = [(day_range(f["date"]), f) for f in facts if day_range(f["date"])]
    if not dated:
        return {"width": TIMELINE_WIDTH, "height": 60, "dots": [], "ticks": [], "lanes": []}
    lo = min(d[0] for d, _ in dated)
    hi = max(d[0] for d, _ in dated)
    span = max((hi - lo).days, 30)
    left, right = 130, TIMELINE_WIDTH - 50

    def x(day: date) -> float:
        return round(left + (right - left) * (day - lo).days / span, 1)

    order = lanes()
    dots = [{"x": x(d[0]), "y": 30 + order.index(f["type"]) * LANE, "fact_id": f["fact_id"],
             "certainty": f["certainty"],
             "title": f"{f['date']}: {f['parties']} — {f['what']} ({f['n_sources']} source(s))"}
            for d, f in dated]
    months = [date(y, m, 1) for y in range(lo.year, hi.year + 2) for m in range(1, 13)]
    step = max(1, -(-len([m for m in months if lo <= m <= hi]) // 6))
    ticks = [{"x": x(m), "label": m.strftime("%Y-%m")} for m in months if lo <= m <= hi][::step]
    rows = [{"y": 30 + i * LANE, "label": lane} for i, lane in enumerate(order)]
    return {"width": TIMELINE_WIDTH, "height": 40 + len(order) * LANE, "dots": dots, "ticks": ticks, "lanes": rows}


def write_report(store: Store, out: Path, since: str | None = None, actor: str | None = None) -> dict[str, Any]:
    """Write the corpus view and, beside it in OUT_docs/, the view of every document it cites."""
    ids = actor_ids(store, actor) if actor else None
    facts = select(_facts(store), since, ids)
    docs_dir = out.with_name(out.stem + "_docs")
    doc_ids = sorted({d for f in facts for d in f["doc_ids"]})
    _, titles = store.query("SELECT doc_id, coalesce(title, source) FROM documents")
    context = {"facts": facts, "network": network(facts), "timeline": timeline(facts), "since": since,
               "actor": actor, "docs_dir": docs_dir.name, "titles": dict(titles), "certainties": (
                   "confirmed", "reported", "alleged", "denied", "disputed"),
               "counts": Counter(f["type"] for f in facts), "lanes": lanes()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html_views.render("report.html.j2", **context), encoding="utf-8")
    for doc_id in doc_ids:
        html_views.write_document(store, doc_id, docs_dir / f"{doc_id}.html", report=f"../{out.name}")
    return {"facts": len(facts), "documents": len(doc_ids), "path": out, "docs_dir": docs_dir}
