"""The record kinds: one entry per kind, which every layer reads instead of writing the four out.

Why: the list of kinds and `if kind == "transfers"` switches used to sit in about ten modules, so
a fifth kind meant editing all of them. Each kind is declared here once: its model, its table and
columns, what it is about, what identifies it; chunking, rows, the store, the terminal and HTML
views and the eval (matching, keys, attributes) derive their behaviour from the entry.

Adding a kind: its model in schemas/records.py (with `ROLES`, the fields that name actors) and a
field on Extraction/Events and GoldFile; one `register(...)` below; a migration creating its table
with `columns`; and the prompt. No other module names a kind (tests/test_kinds.py checks that).

Lives in schemas/ so that extract/ and evals/ can both import it; it imports nothing of theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any, get_origin

from pydantic import BaseModel

from schemas.records import Actor, Deployment, Meeting, Transfer


@cache
def _is_list(model: type[BaseModel], role: str) -> bool:
    """Cached: the matcher asks for every pair of records it weighs (hundreds of thousands in an eval)."""
    return get_origin(model.model_fields[role].annotation) is list


@dataclass(frozen=True)
class Kind:
    """What the layers need to know about one kind of record."""

    name: str  # the Extraction field, the table, the eval's record type and evidence.record_type
    model: type[BaseModel]
    label: str  # one record, in words: "transfer"
    columns: dict[str, str]  # table column -> attribute path in the record ("weapon" -> "weapon.name")
    shown: tuple[str, ...]  # columns `sitrep show` prints, in order (row columns: confidence, grounded too)
    detail: tuple[str, ...]  # columns the HTML document view lists
    scored: dict[str, str] = field(default_factory=dict)  # attribute path -> eval rule (evals.score.RULES)
    thing: str | None = None  # the sub-record (name + category) the event is about: a transfer's weapon
    dated: bool = False  # the start date is part of what the record claims: a meeting on another day is another
    headline: str | None = None  # the column that says what happened, after the parties (HTML summary)
    paint: int = 0  # which colour wins where evidence of several records overlaps (lower first)
    # Consolidated across documents (extract/facts.py) when set: the columns a fact keeps beside its
    # parties, and the SQL over facts_<kind> that says in words what happened (the corpus report).
    facts: tuple[str, ...] | None = None
    what: str = "NULL"
    colour: str = "#d9dde3"  # the kind's colour in the HTML views (evidence marks, swatches, record borders)

    @property
    def table(self) -> str:
        return self.name

    @property
    def roles(self) -> tuple[str, ...]:
        """The fields that name actors; none for the actors themselves."""
        return getattr(self.model, "ROLES", ())

    @property
    def is_event(self) -> bool:
        return bool(self.roles)

    def many(self, role: str) -> bool:
        """A role holding a list of actors (participants) rather than one (supplier)."""
        return _is_list(self.model, role)

    def member(self, role: str) -> str:
        """One member of a list role, as entity links and fact columns call it: participants → participant."""
        return role.removesuffix("s")

    def row(self, record: BaseModel) -> dict[str, Any]:
        """The record's table columns (enums as their values)."""
        return {column: value_at(record, path) for column, path in self.columns.items()}

    def merge_key(self, record: Any) -> tuple:
        """Two chunks' records with this key are one record: the parties (case-folded), what the
        event is about and, for a dated kind, its start."""
        key: list[Any] = []
        for role in self.roles:
            value = getattr(record, role)
            key.append(frozenset(v.casefold() for v in value) if self.many(role) else value.casefold())
        if self.thing:
            key.append(getattr(record, self.thing).name.casefold())
        return (*key, record.when.start) if self.dated else tuple(key)

    def key_text(self, record: Any) -> str:
        """What a person would call the record: 'Iran → Russia: Shahed-136' (eval match keys)."""
        if not self.roles:
            return record.name
        parts = [" + ".join(sorted(getattr(record, r))) if self.many(r) else getattr(record, r) for r in self.roles]
        text = " → ".join(parts)
        text += f": {getattr(record, self.thing).name}" if self.thing else ""
        return text + (f" @ {record.when.start or '?'}" if self.dated else "")

    def summary(self, row: dict[str, Any]) -> str:
        """One line naming a stored row: 'North Korea → Russia: KN-23' (HTML views)."""
        if not self.roles:
            return f"{row['name']} ({row['kind']})"
        text = " → ".join(" · ".join(row[r] or []) if self.many(r) else row[r] for r in self.roles)
        return f"{text}: {row[self.headline]}" if self.headline else text


def value_at(record: Any, path: str) -> Any:
    """record.a.b for path 'a.b'; None where a step is missing; an enum as its value."""
    value = record
    for step in path.split("."):
        value = getattr(value, step) if value is not None else None
    return value.value if isinstance(value, Enum) else value


REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    REGISTRY[kind.name] = kind
    return kind


def kinds() -> tuple[Kind, ...]:
    """All kinds, actors first, in the order of Extraction's fields."""
    return tuple(REGISTRY.values())


def names() -> tuple[str, ...]:
    return tuple(REGISTRY)


def events() -> tuple[Kind, ...]:
    """The kinds whose records link actors (everything but the actors)."""
    return tuple(k for k in REGISTRY.values() if k.is_event)


def consolidated() -> tuple[Kind, ...]:
    """The kinds whose reports become facts (facts_<kind>, <kind>_evidence): the analyst layer's."""
    return tuple(k for k in events() if k.facts is not None)


def get(name: str) -> Kind:
    return REGISTRY[name]


def records_of(extraction: Any) -> Iterator[tuple[Kind, list[Any]]]:
    """(kind, records) for every kind the extraction (or gold file) carries."""
    for kind in kinds():
        yield kind, list(getattr(extraction, kind.name, []))


def _range(prefix: str) -> dict[str, str]:
    return {f"{prefix}_{part}": f"{prefix}.{part}" for part in ("min", "max", "text")}


_WHEN = {"when_start": "when.start", "when_end": "when.end", "certainty": "certainty"}
_PLACE = {"place": "location.place", "country": "location.country"}

ACTORS = register(Kind(
    "actors", Actor, "actor",
    columns={"name": "name", "aliases": "aliases", "kind": "kind", "country": "country", "role": "role"},
    shown=("name", "kind", "country", "role", "confidence", "grounded"),
    detail=("name", "kind", "country", "role"),
    scored={"kind": "same", "country": "stated"}, paint=3, colour="#c7e9b4"))
register(Kind(
    "transfers", Transfer, "transfer",
    columns={"supplier": "supplier", "recipient": "recipient", "weapon": "weapon.name",
             "category": "weapon.category", **_range("quantity"), "status": "status", **_WHEN},
    shown=("supplier", "recipient", "weapon", "category", "quantity_min", "quantity_max", "status", "certainty",
           "when_start", "confidence", "grounded"),
    detail=("supplier", "recipient", "weapon", "category", "quantity_text", "quantity_min", "quantity_max",
            "status", "when_start", "when_end"),
    scored={"weapon.category": "same", "status": "same", "certainty": "same", "quantity": "range", "when": "when"},
    thing="weapon", headline="weapon", paint=0, facts=("category", "quantity_min", "quantity_max", "status"),
    what="weapon || coalesce(' (' || category || ')', '')", colour="#f4a261"))
register(Kind(
    "meetings", Meeting, "meeting",
    columns={"participants": "participants", **_PLACE, "format": "format", "topics": "topics", **_WHEN},
    shown=("participants", "place", "country", "when_start", "format", "certainty", "confidence", "grounded"),
    detail=("participants", "place", "country", "format", "topics", "when_start", "when_end"),
    scored={"format": "same", "certainty": "same", "when": "when", "location": "location"},
    dated=True, paint=2, facts=("place", "country", "format"),
    what="coalesce(format, 'meeting') || coalesce(' in ' || place, '')", colour="#8ecae6"))
register(Kind(
    "deployments", Deployment, "deployment",
    columns={"sender": "sender", "host": "host", "forces": "forces", **_PLACE, **_range("size"),
             **_range("killed"), **_WHEN},
    shown=("sender", "host", "forces", "place", "size_max", "killed_min", "when_start", "certainty", "confidence",
           "grounded"),
    detail=("sender", "host", "forces", "place", "country", "size_text", "killed_text", "when_start", "when_end"),
    scored={"certainty": "same", "when": "when", "location": "location", "size": "range", "killed": "range"},
    headline="forces", paint=1,
    facts=("forces", "place", "country", "size_min", "size_max", "killed_min", "killed_max"),
    what="coalesce(forces, 'forces')", colour="#e76f51"))
