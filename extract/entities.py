"""Entities across documents: every stored name (actor, role field, weapon) → one entity, and why.

Each article's records name their parties in their own words: "Zelensky", "Zelenskyy",
"Зеленський"; "KN-23" and "Hwasong-11A". Analysts ask about the thing, not the spelling, so each
name is resolved by the first rule that applies, and the rule is stored with the link:

- iso-country     a state (or a name the gazetteer knows as one) → its ISO alpha-3 code
- gazetteer       organisations, armed groups, companies, armed forces → the gazetteer entry
- person-translit persons → transliterated (anyascii), case-folded name with spelling variants of
                  i/y/j folded, plus country when the mentions disagree on it
- person-surname  a one-word person name → the one full name ending in it (same country)
- shared-alias    an organisation whose alias is another organisation's name → that one
- normalised-name any other actor → its transliterated, case-folded name
- lexicon         weapons → the weapons lexicon entry; `weapon-name` (case-folded name) otherwise
- role→actor      a supplier/recipient/participant/sender/host → the actor of the same run it names
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from anyascii import anyascii

from extract import lexicon
from schemas.records import name_key

PERSON, STATE, WEAPON = "person", "state", "weapon"
_TOKEN = re.compile(r"[a-z0-9]+")
_IY = re.compile(r"[iyj]+")


def skeleton(name: str) -> str:
    """A spelling-insensitive key: transliterated to ASCII, case-folded, apostrophes (soft signs)
    dropped, runs of i/y/j folded to one 'i', doubled letters collapsed. Zelensky, Zelenskyy,
    Zelenskiy and Зеленський all become 'zelenski'."""
    text = anyascii(name).casefold().replace("'", "")
    tokens = [_IY.sub("i", token) for token in _TOKEN.findall(text)]
    return " ".join(re.sub(r"(.)\1+", r"\1", token) for token in tokens)


@dataclass
class Mention:
    """One stored name and where it is stored."""

    run_id: str
    doc_id: str
    record_type: str
    record_idx: int
    role: str
    pos: int
    surface: str
    kind: str | None = None  # actor kind, for actors
    country: str | None = None
    aliases: tuple[str, ...] = ()
    lang: str | None = None
    category: str | None = None  # weapon category, for weapons
    key: str = ""
    rule: str = ""
    detail: str = ""


@dataclass
class Entity:
    entity_id: str
    kind: str
    name: str
    country: str | None = None
    category: str | None = None
    mentions: list[Mention] = field(default_factory=list)

    def row(self) -> tuple:
        forms = sorted({f for m in self.mentions for f in (m.surface, *m.aliases)})
        rules = sorted({m.rule for m in self.mentions})
        docs = {m.doc_id for m in self.mentions}
        return (self.entity_id, self.kind, self.name, self.country, self.category, forms, rules,
                len(self.mentions), len(docs))


def _state(mention: Mention, code: str, how: str) -> None:
    mention.key, mention.rule = f"{STATE}:{code}", "iso-country"
    mention.detail = f"{mention.surface!r} is {code} ({how})"


def resolve_actor(m: Mention) -> None:
    """Set the mention's provisional key and rule (persons are refined later across documents)."""
    entry = lexicon.actor(m.surface, m.lang)
    if entry is not None and entry.kind == STATE and entry.country and m.kind != PERSON:
        _state(m, entry.country, "gazetteer: pycountry and CLDR names")
    elif m.kind == STATE and m.country:
        _state(m, m.country, "the record's country code")
    elif entry is not None and (m.kind != PERSON or entry.kind == PERSON):
        body = skeleton(entry.name) if entry.kind == PERSON else lexicon.key(entry.name)  # persons meet translit keys
        m.key, m.rule = f"{entry.kind}:{body}", "gazetteer"
        m.detail = f"{m.surface!r} is the gazetteer's {entry.name!r}"
    elif m.kind == PERSON:
        m.key, m.rule = f"{PERSON}:{skeleton(m.surface)}", "person-translit"
        m.detail = f"{m.surface!r} transliterates to {skeleton(m.surface)!r}"
    else:
        m.key, m.rule = f"org:{skeleton(m.surface)}", "normalised-name"
        m.detail = f"{m.surface!r} normalises to {skeleton(m.surface)!r}"


def resolve_weapon(m: Mention) -> None:
    entry = lexicon.weapon(m.surface)
    if entry is not None:
        m.key, m.rule, m.category = f"{WEAPON}:{entry.id}", "lexicon", entry.category
        m.detail = f"{m.surface!r} is the lexicon's {entry.name!r}"
    else:
        m.key, m.rule = f"{WEAPON}:{name_key(m.surface)}", "weapon-name"
        m.detail = f"{m.surface!r} by its case-folded name (not in the weapons lexicon)"


class _Union:
    """Union-find over keys; the representative is the key seen most often (then the smallest)."""

    def __init__(self, counts: Counter[str]) -> None:
        self.parent = {k: k for k in counts}
        self.counts = counts

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        first, second = sorted((ra, rb), key=lambda k: (-self.counts[k], k))
        self.parent[second] = first


def _persons(actors: list[Mention]) -> None:
    """Join a one-word name to the single full name ending in it (countries permitting); split a
    name by country where its mentions disagree on the country."""
    persons = [m for m in actors if m.rule == "person-translit"]
    names = {id(m): m.key.removeprefix(f"{PERSON}:") for m in persons}
    countries: dict[str, Counter[str]] = defaultdict(Counter)
    for m in persons:
        if m.country:
            countries[names[id(m)]][m.country] += 1
    full: dict[str, set[str]] = defaultdict(set)
    known = {m.key.removeprefix(f"{PERSON}:") for m in actors if m.rule == "gazetteer" and m.key.startswith(PERSON)}
    for name in set(names.values()) | known:
        if " " in name:
            full[name.split()[-1]].add(name)
    for m in persons:
        name = names[id(m)]
        targets = full.get(name, set()) if " " not in name else set()
        target = next(iter(targets)) if len(targets) == 1 else None
        if target and (not m.country or not countries[target] or m.country in countries[target]):
            m.rule, m.detail, name = "person-surname", f"{m.surface!r} is the surname of {target!r}", target
        seen = countries.get(name)
        if seen and len(seen) > 1:
            country = m.country or seen.most_common(1)[0][0]
            m.key, m.detail = f"{PERSON}:{name}|{country}", m.detail + f"; the name is split by country ({country})"
        else:
            m.key = f"{PERSON}:{name}"


def _shared_aliases(actors: list[Mention]) -> dict[str, tuple[str, str]]:
    """Keys joined because one actor lists another's name among its aliases: {key: (target, why)}."""
    primary = {m.key for m in actors}
    union = _Union(Counter(m.key for m in actors))
    why: dict[str, str] = {}
    for m in actors:
        if m.rule not in {"normalised-name", "person-translit"}:
            continue
        prefix = m.key.split(":", 1)[0]
        for alias in m.aliases:
            other = f"{prefix}:{skeleton(alias)}"
            if other in primary and union.find(other) != union.find(m.key):
                union.union(other, m.key)
                why[other] = why[m.key] = f"{m.surface!r} lists {alias!r} as an alias"
    return {k: (union.find(k), why[k]) for k in why if union.find(k) != k}


def _reference(group: list[Mention]) -> tuple[str, str | None] | None:
    """Name and country from the gazetteer, the lexicon or ISO, where a rule used one."""
    first = group[0]
    if first.key.startswith(f"{STATE}:"):
        code = first.key.split(":", 1)[1]
        entry = lexicon.state(code)
        return (entry.name if entry else code), code
    used = next((m for m in group if m.rule in {"lexicon", "gazetteer"}), None)
    if used is None:
        return None
    entry = lexicon.weapon(used.surface) if used.rule == "lexicon" else lexicon.actor(used.surface, used.lang)
    return (entry.name, getattr(entry, "country", None)) if entry else None


def _canonical_name(group: list[Mention]) -> str:
    """The most telling name seen: Latin script first, then the most words, then the most frequent."""
    counts = Counter(m.surface for m in group if m.role in {"actor", "weapon"}) or Counter(m.surface for m in group)
    return max(counts, key=lambda s: (anyascii(s) == s, len(s.split()), counts[s], s))


def resolve(actors: list[Mention], roles: list[Mention], weapons: list[Mention]) -> dict[str, Entity]:
    """Resolve every mention in place (key, rule, detail) and return the entities by id."""
    for m in actors:
        resolve_actor(m)
    _persons(actors)
    for key, (target, why) in _shared_aliases(actors).items():
        for m in actors:
            if m.key == key:
                m.key, m.rule, m.detail = target, "shared-alias", why
    _link_roles(actors, roles)
    for m in weapons:
        resolve_weapon(m)
    return _entities([*actors, *roles, *weapons])


def _link_roles(actors: list[Mention], roles: list[Mention]) -> None:
    by_run: dict[tuple[str, str], Mention] = {}
    by_form: dict[str, Mention] = {}
    for m in actors:
        for form in (m.surface, *m.aliases):
            by_run.setdefault((m.run_id, name_key(form)), m)
            by_form.setdefault(skeleton(form), m)
    for m in roles:
        actor = by_run.get((m.run_id, name_key(m.surface)))
        if actor is not None:
            m.key, m.rule, m.detail = actor.key, "role→actor", f"names actor #{actor.record_idx} of the run"
            continue
        resolve_actor(m)
        known = by_form.get(skeleton(m.surface))
        if m.rule == "normalised-name" and known is not None:
            m.key, m.rule, m.detail = known.key, "surface-form", f"{m.surface!r} is a name seen for {known.key}"


def _entities(mentions: Iterable[Mention]) -> dict[str, Entity]:
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[m.key].append(m)
    out: dict[str, Entity] = {}
    for key, group in groups.items():
        kind = key.split(":", 1)[0]
        if kind == "org":
            kinds = Counter(m.kind for m in group if m.kind)
            kind = kinds.most_common(1)[0][0] if kinds else "other"
        reference = _reference(group)
        countries = Counter(m.country for m in group if m.country)
        name, country = reference or (_canonical_name(group), None)
        country = country or (countries.most_common(1)[0][0] if countries and kind != WEAPON else None)
        categories = Counter(m.category for m in group if m.category)
        category = categories.most_common(1)[0][0] if categories else None
        out[key] = Entity(key, kind, name, country, category, group)
    return out
