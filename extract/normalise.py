"""Canonical names and codes after validation and before storage.

Countries get their common English name and ISO alpha-3 code, whatever the text called them
(Phenian, Moscova, Kremlin); actors that collapse onto one name are merged; role fields are
rewritten to the canonical names so SQL joins work.
"""

from __future__ import annotations

from schemas import role_rule
from schemas.fields import ActorKind
from schemas.names import country_for_name, country_name, name_key
from schemas.records import MAX_ALIASES, MAX_QUOTES, Actor, Extraction, union

STATE_LIKE = {ActorKind.state}


def _canonical_actor(actor: Actor) -> Actor:
    code = country_for_name(actor.name)
    if code is None or actor.kind not in STATE_LIKE:
        return actor
    name = country_name(code)
    aliases = [a for a in dict.fromkeys([actor.name, *actor.aliases]) if a != name][:MAX_ALIASES]
    return actor.model_copy(update={"name": name, "country": code, "aliases": aliases})


def _merge(actors: list[Actor]) -> list[Actor]:
    merged: dict[str, Actor] = {}
    for actor in actors:
        key = actor.name.casefold()
        if key not in merged:
            merged[key] = actor
            continue
        first = merged[key]
        merged[key] = first.model_copy(update={
            "aliases": union(first.aliases, actor.aliases, MAX_ALIASES),
            "evidence": union(first.evidence, actor.evidence, MAX_QUOTES),
            "country": first.country or actor.country,
            "role": first.role or actor.role,
            "confidence": max(first.confidence, actor.confidence),
        })
    return list(merged.values())


def _rename(value: str, index: dict[str, str]) -> str:
    key = name_key(value)
    if key in index:
        return index[key]
    code = country_for_name(value)
    return country_name(code) if code else value


def normalise(extraction: Extraction) -> Extraction:
    """Return a new Extraction with canonical actors and role fields pointing at them."""
    originals = list(extraction.actors)
    actors = _merge([_canonical_actor(a) for a in originals])
    index = role_rule.actor_index(actors)
    for old, new in zip(originals, [_canonical_actor(a) for a in originals], strict=True):
        index.setdefault(name_key(old.name), new.name)
    update: dict[str, list] = {"actors": actors}
    for list_name, records in role_rule.event_lists(extraction).items():
        update[list_name] = [role_rule.rename_roles(r, lambda v: _rename(v, index)) for r in records]
    return extraction.model_copy(update=update)
