"""Consolidated facts: the reports of one transfer, meeting or deployment across documents.

Ten outlets reporting one delivery are one fact with ten sources, not ten rows. Reports are the
same fact when they have the same parties (entities, not spellings) — and for transfers the same
canonical weapon — and compatible dates:

Dating rule. Each report gets a date window: its event date (`when_start`..`when_end`, a year
or month standing for the whole period) or, when the article gives none, the UNDATED_DAYS up to
its publication date. Sorted by window, a report joins the fact before it when its window starts
no more than GAP_DAYS after that fact's latest window end (single linkage); otherwise it starts a
new fact. A report with neither an event nor a publication date joins the earliest fact of its key.
"""

from __future__ import annotations

import calendar
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from schemas.kinds import Kind

GAP_DAYS = 90
UNDATED_DAYS = 60
STATUS_ORDER = ("unknown", "proposed", "negotiating", "agreed", "cancelled", "delivering", "delivered")
CERTAINTIES = ("confirmed", "reported", "alleged", "denied")
Report = dict[str, Any]


def day_range(partial: str | None) -> tuple[date, date] | None:
    """'2022' → 1 Jan..31 Dec 2022, '2022-10' → the month, '2022-10-12' → that day; None if unreadable."""
    if not partial:
        return None
    try:
        parts = [int(p) for p in partial[:10].split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
        if len(parts) == 2:
            return date(parts[0], parts[1], 1), date(parts[0], parts[1], calendar.monthrange(*parts)[1])
        day = date(*parts[:3])
        return day, day
    except (ValueError, TypeError):
        return None


def window(report: Report) -> tuple[date, date] | None:
    """The report's date window under the dating rule."""
    start = day_range(report.get("when_start"))
    end = day_range(report.get("when_end")) or start
    if start and end:
        return start[0], max(start[1], end[1])
    published = day_range(report.get("published"))
    if published:
        return published[1] - timedelta(days=UNDATED_DAYS), published[1]
    return None


def cluster(reports: Iterable[Report], key: Callable[[Report], tuple]) -> list[list[Report]]:
    """Group reports by key, then split each group by the dating rule."""
    by_key: dict[tuple, list[Report]] = defaultdict(list)
    for report in reports:
        by_key[key(report)].append(report)
    out: list[list[Report]] = []
    for group in by_key.values():
        dated = sorted(((window(r), r) for r in group if window(r)), key=lambda p: (p[0], p[1]["doc_id"]))
        facts: list[list[Report]] = []
        end = date.min
        for (start, stop), report in dated:
            if facts and start <= end + timedelta(days=GAP_DAYS):
                facts[-1].append(report)
                end = max(end, stop)
            else:
                facts.append([report])
                end = stop
        undated = [r for r in group if window(r) is None]
        if undated:
            if not facts:
                facts.append([])
            facts[0].extend(undated)
        out += facts
    return out


def _most(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v not in (None, ""))
    return counts.most_common(1)[0][0] if counts else None


def _extreme(values: Iterable[Any], pick: Callable) -> Any:
    present = [v for v in values if v is not None]
    return pick(present) if present else None


def _certainty(reports: list[Report]) -> dict[str, Any]:
    """Certainty counted by source document (a document quoting both sides counts for both)."""
    docs: dict[str, set[str]] = {c: set() for c in CERTAINTIES}
    for r in reports:
        if r["certainty"] in docs:
            docs[r["certainty"]].add(r["doc_id"])
    counts = {c: len(d) for c, d in docs.items()}
    words = ", ".join(f"{n} {c}" for c, n in counts.items() if n)
    disputed = bool(counts["denied"]) and bool(counts["confirmed"] or counts["reported"])
    return {**{f"n_{c}": n for c, n in counts.items()}, "certainty_by_source": words, "disputed": disputed}


def _best(reports: list[Report]) -> Report:
    """The report to quote: grounded first, then the firmest certainty, then the highest confidence."""
    rank = {c: i for i, c in enumerate(reversed(CERTAINTIES))}
    return max(reports, key=lambda r: (bool(r["grounded"]), rank.get(r["certainty"], -1), r["confidence"] or 0,
                                       r["doc_id"]))


def common(prefix: str, key: tuple, reports: list[Report]) -> dict[str, Any]:
    """The columns every fact type shares."""
    first = min(reports, key=lambda r: (r["doc_id"], r["record_idx"]))
    ident = "|".join(map(str, key)) + f"|{first['doc_id']}|{first['record_idx']}"
    published = sorted({r["published"] for r in reports if r["published"]})
    docs = sorted({r["doc_id"] for r in reports}, key=lambda d: (min(
        (r["published"] or "9999") for r in reports if r["doc_id"] == d), d))
    starts = [(w[0], r["when_start"]) for r in reports if r["when_start"] and (w := window(r))]
    ends = [(w[1], r["when_end"] or r["when_start"]) for r in reports if r["when_start"] and (w := window(r))]
    best = _best(reports)
    return {
        "fact_id": f"{prefix}-{hashlib.sha1(ident.encode()).hexdigest()[:10]}",
        "n_sources": len(docs), "n_reports": len(reports), "doc_ids": docs,
        "first_seen": published[0] if published else None, "last_seen": published[-1] if published else None,
        "when_start": min(starts)[1] if starts else None, "when_end": max(ends)[1] if ends else None,
        **_certainty(reports),
        "confidence": _extreme((r["confidence"] for r in reports), max),
        "best_quote": best["quote"], "best_doc_id": best["doc_id"],
    }


def _key(kind: Kind, report: Report) -> tuple:
    """The parties as entities (a list role's sorted, without repeats) and what the event is about."""
    key: list[Any] = []
    for role in kind.roles:
        if kind.many(role):
            key += sorted(set(report[_ids(kind, role)] or report[role]))
        else:
            key.append(report[f"{role}_id"] or report[role])
    return (*key, report[f"{kind.thing}_id"] or report[kind.thing]) if kind.thing else tuple(key)


def _ids(kind: Kind, role: str) -> str:
    """The entity-id column of a list role: participants → participant_ids."""
    return f"{kind.member(role)}_ids"


def _parties(kind: Kind, first: Report) -> dict[str, Any]:
    """The fact's parties (and thing) with their entity ids, as the first report names them."""
    out: dict[str, Any] = {}
    for role in kind.roles:
        if kind.many(role):
            pairs = sorted(set(zip(first[_ids(kind, role)] or first[role], first[role], strict=True)))
            out |= {_ids(kind, role): [p[0] for p in pairs], role: [p[1] for p in pairs]}
        else:
            out |= {f"{role}_id": first[f"{role}_id"], role: first[role]}
    things = [kind.thing] if kind.thing else []
    return out | {c: first[c] for t in things for c in (f"{t}_id", t)}


def _consolidated(column: str, group: list[Report]) -> Any:
    """One column over a fact's reports: the least *_min, the most *_max, the most advanced status,
    else the most frequent value."""
    values = [r[column] for r in group]
    if column.endswith("_min"):
        return _extreme(values, min)
    if column.endswith("_max"):
        return _extreme(values, max)
    if column == "status":
        return max((v or "unknown" for v in values), key=STATUS_ORDER.index)
    return _most(values)


def build(kind: Kind, reports: list[Report]) -> list[tuple[dict[str, Any], list[Report]]]:
    """The facts of one event kind (facts_<kind>), each with the reports it consolidates; fact ids
    start with the kind's initial (T-, M-, D-)."""
    out = []
    for group in cluster(reports, lambda r: _key(kind, r)):
        first = group[0]
        out.append(({**common(kind.label[0].upper(), _key(kind, first), group), **_parties(kind, first),
                     **{c: _consolidated(c, group) for c in kind.facts or ()}}, group))
    return out
