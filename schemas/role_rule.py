"""The role rule: every supplier, recipient, participant, sender and host names an actor of the
document, and a record joins two different parties.

Why one module: the rule used to be checked (the validator), pruned (salvage), pruned again (the
support check) and rewritten (the normaliser) in four loops over the role fields. It is stated
once here. `problems` finds the records that break it; the validator raises them (`check`, which
instructor sends back to the model); salvage and the support check drop those records with one
note each (`drop`); and two repairs keep it true: `add_country_actors` (a role naming a country
the actor list lacks) and `rename_roles` (the normaliser's canonical names in the role fields).

Which fields are roles is declared by each record model (`ROLES`); a model without them (the
small strategy's intermediate answers, which carry no actors) is not subject to the rule.
This lives in schemas/ because the validators need it. extract/roles.py is a different rule set:
the small strategy's model-free judgement of which candidate fits which role (kinds, direction).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from schemas.names import country_for_name, name_key

UNKNOWN = "unknown"  # a role names no actor
SAME_PARTY = "same_party"  # the record joins a party to itself


@dataclass(frozen=True)
class Problem:
    """One record that breaks the rule, and how."""

    list_name: str
    index: int
    kind: str  # UNKNOWN or SAME_PARTY
    unknown: tuple[tuple[str, str], ...] = ()  # (field, value) of each role naming no actor
    why: str = ""  # what joins the party to itself

    @property
    def where(self) -> str:
        return f"{self.list_name}[{self.index}]"

    def names(self) -> list[str]:
        return [value for _, value in self.unknown]


def roles_of(record_type: type) -> tuple[str, ...]:
    return getattr(record_type, "ROLES", ())


@cache
def role_lists(container: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """The container's list fields whose records name actors, with their role fields, in field order."""
    lists: dict[str, tuple[str, ...]] = {}
    for name, info in container.model_fields.items():
        args = typing.get_args(info.annotation)
        if args and (roles := roles_of(args[0])):
            lists[name] = roles
    return lists


def event_lists(container: BaseModel) -> dict[str, list]:
    """The container's records that name actors, by list."""
    return {name: list(getattr(container, name)) for name in role_lists(type(container))}


def role_values(record: Any, field: str) -> list[str]:
    value = getattr(record, field)
    return list(value) if isinstance(value, list) else [value]


def actor_index(actors: Iterable[Any]) -> dict[str, str]:
    """Every name_key of an actor's name and aliases → the actor's name (the first actor wins)."""
    index: dict[str, str] = {}
    for actor in actors:
        for label in [actor.name, *actor.aliases]:
            index.setdefault(name_key(label), actor.name)
    return index


def add_country_actors(data: dict, lists: Mapping[str, tuple[str, ...]]) -> dict:
    """A role field naming a country that `actors` lacks gets that country as a state actor.

    A country name is unambiguous, so this repair is exact; any other unknown name still fails
    validation and goes back to the model. The new actor carries the record's own evidence.
    """
    actors = list(data.get("actors") or [])
    known = {name_key(label) for a in actors if isinstance(a, dict)
             for label in [a.get("name", ""), *(a.get("aliases") or [])]
             if isinstance(label, str)}  # a number as a name is the schema's error to report, not a crash
    for list_name, fields in lists.items():
        for record in data.get(list_name) or []:
            if not isinstance(record, dict):
                continue
            for field in fields:
                values = record.get(field)
                for value in values if isinstance(values, list) else [values]:
                    code = country_for_name(value) if isinstance(value, str) and name_key(value) not in known else None
                    if code:
                        actors.append({"name": value, "kind": "state", "country": code,
                                       "evidence": list(record.get("evidence") or [])[:1], "confidence": 0.5})
                        known.add(name_key(value))
    return {**data, "actors": actors}


def same_party(record: Any, index: Mapping[str, str]) -> str | None:
    """Why a record joins an actor to itself, or None. A transfer or deployment links two different
    actors; a meeting needs two different participants. (The negative dev article produced a
    Finland → Finland "transfer".)"""

    def canon(name: str) -> str:
        name = index.get(name_key(name), name)
        return country_for_name(name) or name_key(name)  # "Moscova" and "Kremlin" are one party

    roles = roles_of(type(record))
    values = [v for field in roles for v in role_values(record, field)]
    if len({canon(v) for v in values}) >= 2:
        return None
    if len(roles) == 1:
        return f"fewer than two different {roles[0]}"
    return f"{' and '.join(roles)} are both {values[0]!r}"


def problems(lists: Mapping[str, Sequence[Any]], index: Mapping[str, str], distinct: bool = True) -> list[Problem]:
    """At most one problem per record, in list order: roles naming no actor first, else (with
    `distinct`) a record joining a party to itself."""
    found: list[Problem] = []
    for list_name, records in lists.items():
        for i, record in enumerate(records):
            roles = roles_of(type(record))
            unknown = tuple((f, v) for f in roles for v in role_values(record, f) if name_key(v) not in index)
            if unknown:
                found.append(Problem(list_name, i, UNKNOWN, unknown=unknown))
            elif distinct and (why := same_party(record, index)):
                found.append(Problem(list_name, i, SAME_PARTY, why=why))
    return found


def check(container: BaseModel, actors: Sequence[Any], distinct: bool = True) -> None:
    """The validator's side: a ValueError the model can act on, listing every role that names no
    actor (and the actors it may use); when there is none, every record joining a party to itself."""
    found = problems(event_lists(container), actor_index(actors), distinct)
    missing = [f"{p.where}.{field} = {value!r}" for p in found if p.kind == UNKNOWN for field, value in p.unknown]
    if missing:
        known = ", ".join(sorted({a.name for a in actors})) or "none"
        raise ValueError("these role fields name no actor in `actors`: " + "; ".join(missing)
                         + f". Add each one to `actors` (with evidence) or use one of: {known}")
    if found:
        raise ValueError("; ".join(f"{p.where}: {p.why}" for p in found)
                         + ". Remove these records, or name the other party.")


def drop(lists: Mapping[str, Sequence[Any]], index: Mapping[str, str], unknown_note: str = "names no actor",
         distinct: bool = True) -> tuple[dict[str, list], list[str]]:
    """The side of salvage and the support check: the lists without the records that break the
    rule, and one note per dropped record (nothing goes silently)."""
    found = problems(lists, index, distinct)
    bad = {(p.list_name, p.index) for p in found}
    notes = [f"dropped {p.where}: " + (f"{unknown_note}: {', '.join(p.names())}" if p.kind == UNKNOWN else p.why)
             for p in found]
    kept = {name: [r for i, r in enumerate(records) if (name, i) not in bad] for name, records in lists.items()}
    return kept, notes


def rename_roles(record: Any, rename: Callable[[str], str]) -> Any:
    """The normaliser's repair: every role field rewritten to the canonical actor name. Two names
    for one party ("Finland", "Helsinki") must not leave a one-party meeting, so a list role that
    would collapse below two keeps its names as written."""
    changes: dict[str, Any] = {}
    for field in roles_of(type(record)):
        value = getattr(record, field)
        if isinstance(value, list):
            renamed = list(dict.fromkeys(rename(v) for v in value))
            changes[field] = renamed if len(renamed) >= 2 else value
        else:
            changes[field] = rename(value)
    return record.model_copy(update=changes)
