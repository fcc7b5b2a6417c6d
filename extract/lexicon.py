"""Gazetteers and the weapons lexicon: names as written (any supported language or script) →
canonical English names, kinds, ISO codes and weapon categories.

Why: a 1.5B model cannot be trusted to translate "Phenian", "Moscova" or "Герань-2"; a lookup can.
States come from pycountry plus CLDR territory names (babel) in every supported language; the rest
(metonyms, demonyms, organisations, armed groups, companies, weapons) are data files in
extract/data/ so that they are extended without touching code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

from schemas.names import CANONICAL_COUNTRY_NAMES, COUNTRY_ALIASES, cldr_names
from schemas.names import fold_key as key  # how gazetteer names compare: the gold spec's rule

DATA = Path(__file__).with_name("data")
_ARTICLE = re.compile(r"^(?:the|l|la|le|les|el|los|las|die|der|den|des)\s+")


@dataclass(frozen=True)
class ActorEntry:
    name: str  # canonical English
    kind: str  # schemas.ActorKind value
    country: str | None  # ISO 3166-1 alpha-3
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeaponEntry:
    id: str
    name: str
    category: str  # schemas.Category value
    aliases: tuple[str, ...] = ()
    origin: str | None = None  # ISO alpha-3 of the state that builds it: a state never receives its own


@cache
def load_data(name: str) -> dict:
    """A data file of extract/data/, parsed once."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


_load = load_data


def _state_name(alpha3: str) -> str:
    country = pycountry.countries.get(alpha_3=alpha3)
    if alpha3 in CANONICAL_COUNTRY_NAMES:
        return CANONICAL_COUNTRY_NAMES[alpha3]
    if alpha3 in _load("actors.json")["canonical_names"]["names"]:
        return _load("actors.json")["canonical_names"]["names"][alpha3]
    cldr = cldr_names(alpha3).get("en")
    return cldr or getattr(country, "common_name", None) or (country.name if country else alpha3)


@cache
def _states() -> dict[str, tuple[ActorEntry, dict[str, set[str]]]]:
    """alpha-3 → (entry, {language: aliases}); language "*" for names from no particular one."""
    data = _load("actors.json")
    by_code: dict[str, dict[str, set[str]]] = {}
    for country in pycountry.countries:
        names = by_code.setdefault(country.alpha_3, {"*": set()})
        names["*"].update(n for n in (country.name, getattr(country, "common_name", None),
                                      getattr(country, "official_name", None)) if n)
        names["*"].add(country.alpha_3)
    for country in pycountry.countries:  # CLDR names per language (schemas.names.LANGUAGES)
        for lang, local in cldr_names(country.alpha_3).items():
            by_code[country.alpha_3].setdefault(lang, set()).add(local)
    for alias, code in COUNTRY_ALIASES.items():
        by_code.setdefault(code, {"*": set()})["*"].add(alias)
    for code, aliases in data["state_aliases"].items():
        by_code.setdefault(code, {"*": set()})["*"].update(aliases)
    out = {}
    for code, names in by_code.items():
        canonical = _state_name(code)
        seen = {key(canonical)}
        aliases = []
        for name in sorted({n for group in names.values() for n in group}):  # capitals sort first
            if key(name) not in seen:
                seen.add(key(name))
                aliases.append(name)
        out[code] = (ActorEntry(canonical, "state", code, tuple(aliases)), names)
    return out


@cache
def _others() -> list[ActorEntry]:
    data = _load("actors.json")
    entries = []
    for group, default_kind in (("organisations", "international_org"), ("armed_groups", "armed_group"),
                                ("armed_forces", "armed_forces"), ("government_bodies", "government_body"),
                                ("companies", "company"), ("persons", "person")):
        for item in data[group]:
            entries.append(ActorEntry(item["name"], item.get("kind", default_kind), item.get("country"),
                                      tuple(item.get("aliases", []))))
    return entries


@cache
def _actor_index() -> tuple[dict[str, ActorEntry], dict[str, dict[str, ActorEntry]]]:
    """Global key → entry, and per-language key → entry (CLDR names of that language).
    Organisations win over states on a shared key ("EU" is the Union, not a territory code)."""
    index: dict[str, ActorEntry] = {}
    per_lang: dict[str, dict[str, ActorEntry]] = {}
    for entry, names in _states().values():
        for lang, group in names.items():
            for name in group:
                k = key(name)
                if len(k) < 2:
                    continue
                index.setdefault(k, entry)
                if lang != "*":
                    per_lang.setdefault(lang, {}).setdefault(k, entry)
    states = _states()
    for code, aliases in _load("actors.json")["state_aliases"].items():  # explicit data beats CLDR ("Congo")
        for name in aliases:
            index[key(name)] = states[code][0]
    for entry in _others():
        for name in (entry.name, *entry.aliases):
            index[key(name)] = entry
    return index, per_lang


@cache
def demonyms() -> dict[str, ActorEntry]:
    """Adjectives of nationality ("North Korean", "nord-coréens", "российские") → the state.
    Kept apart from actor(): "Russian forces" names a party, "Russian" alone is no actor name."""
    states = _states()
    return {key(word): states[code][0] for code, words in _load("actors.json")["demonyms"].items()
            for word in words if code in states}


@cache
def not_parties() -> frozenset[str]:
    """Keys of media and airlines: never a supplier, recipient, sender or host."""
    return frozenset(key(n) for n in _load("actors.json")["not_parties"]["names"])


def actor(name: str, lang: str | None = None) -> ActorEntry | None:
    """The gazetteer entry for a name as written, or None. `lang` breaks ties in favour of that
    language's CLDR names; leading articles ("l'", "la", "the") and a possessive "'s" are ignored."""
    index, per_lang = _actor_index()
    k = key(name)
    candidates = [k, _ARTICLE.sub("", k), k.removesuffix(" s"), re.sub(r"^(?:l|d) ", "", k)]
    for candidate in candidates:
        if lang and candidate in per_lang.get(lang, {}):
            return per_lang[lang][candidate]
        if candidate in index:
            return index[candidate]
    return None


def state(code: str) -> ActorEntry | None:
    """The state entry for an ISO alpha-3 code."""
    found = _states().get(code.upper())
    return found[0] if found else None


def actor_surface_forms() -> Iterator[tuple[str, ActorEntry, str]]:
    """Every (name as written, entry, language) triple: what the mention finder searches the text
    for. The language is a CLDR locale for state names taken from CLDR, "*" otherwise."""
    for entry, names in _states().values():
        for lang, group in names.items():
            for name in group:
                yield name, entry, lang
    for entry in _others():
        for name in (entry.name, *entry.aliases):
            yield name, entry, "*"


@cache
def _weapons() -> tuple[list[WeaponEntry], dict[str, WeaponEntry]]:
    entries = [WeaponEntry(w["id"], w["name"], w["category"], tuple(w.get("aliases", [])),
                           w.get("origin")) for w in _load("weapons.json")["weapons"]]
    index: dict[str, WeaponEntry] = {}
    for entry in entries:
        for name in (entry.name, entry.id, *entry.aliases):
            index.setdefault(key(name), entry)
    return entries, index


def weapons() -> list[WeaponEntry]:
    return list(_weapons()[0])


def weapon(name: str) -> WeaponEntry | None:
    """The lexicon entry for a weapon name as written, or None. A name with descriptive words
    around a known system ("36 canons automoteurs Caesar", "K9 self-propelled howitzers") resolves
    to the longest known name it contains as whole words."""
    _, index = _weapons()
    k = key(name)
    if k in index:
        return index[k]
    padded = f" {k} "
    best = max((alias for alias in index if f" {alias} " in padded), key=len, default=None)
    return index[best] if best else None


_CATEGORY_WORDS = (  # checked in order: "air defence missiles" are air defence, "missile launchers" artillery
    ("air_defence", ("air defence", "air defense", "anti aircraft", "surface to air", "sol air", "sol aer",
                     "interceptor", "пво", "ппо", "flugabwehr", "antiaérea", "antiaerea")),
    ("drone", ("drone", "uav", "unmanned", "uas", "loitering", "дрон", "беспилот", "безпілот", "无人机", "مسير")),
    ("ammunition", ("shell", "ammunition", "round", "munition", "obuz", "snarjad", "снаряд", "боеприпас", "боєприпас",
                    "bomb", "mine", "munici", "muniți", "granat", "弹药", "炮弹", "ذخائر")),
    ("artillery", ("howitzer", "gun", "launcher", "mlrs", "rocket system", "artillery", "mortar", "obuzier", "canon",
                   "haubit", "гаубиц", "артиллер", "артилер", "rszo", "рсзо", "obús")),
    ("armoured_vehicle", ("tank", "armoured", "armored", "infantry fighting", "personnel carrier", "apc", "ifv",
                          "char", "tanc", "panzer", "танк", "бтр", "бмп", "坦克", "دبابة")),
    ("aircraft", ("aircraft", "jet", "fighter", "helicopter", "plane", "bomber", "avion", "elicopter", "hélicoptère",
                  "самолет", "літак", "вертол", "гелікоптер", "战机", "飞机", "طائرة")),
    ("missile", ("missile", "rachet", "ракет", "导弹", "صاروخ", "صواريخ")),
    ("ship", ("ship", "frigate", "corvette", "submarine", "vessel", "navire", "fregat", "корабл", "судн")),
    ("sensor", ("radar", "sensor", "радар", "رادار")),
    ("small_arms", ("rifle", "small arms", "machine gun", "pistol", "automat", "автомат", "гвинтів")),
    ("technology", ("technology", "technologie", "tehnologi", "технолог", "satellite")),
)


def category_hint(name: str) -> str | None:
    """A category from the words of a weapon name the lexicon does not know ("240 mm multiple rocket
    launchers" → artillery); None when no word says."""
    k = f" {key(name)}"
    for category, words in _CATEGORY_WORDS:
        if any(f" {key(w)}" in k for w in words):
            return category
    return None


# A character that continues a word: a letter or digit outside the CJK and kana blocks, so that a
# CJK character next to a name is a boundary too ("S-400防空导弹系统").
_WORD_CHAR = re.compile(r"[^\W\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@cache
def _weapon_keys() -> tuple[tuple[str, WeaponEntry], ...]:
    """Every lexicon name and alias over folded text, longest first (so "Patriot PAC-3" wins over
    "PAC-3" and "Leopard 2A6" over "Leopard"). Plain strings: one compiled pattern per name cost
    about a second of CPU per process, all of it compiling the same Unicode class."""
    _, index = _weapons()
    return tuple((k, index[k]) for k in sorted((k for k in index if len(k) >= 2), key=len, reverse=True))


def _whole_word(text: str, name: str) -> tuple[int, int] | None:
    """The first occurrence of `name` in `text` with no word character on either side."""
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        if not (start and _WORD_CHAR.match(text, start - 1)) and not _WORD_CHAR.match(text, end):
            return start, end
        start = text.find(name, start + 1)
    return None


def weapons_in(text: str) -> list[WeaponEntry]:
    """The lexicon weapons a text names, as whole words, in order of first mention, each once.
    Why: a sentence that lists "Stinger, Javelin and TOW" is one transfer per system, and the 1.5B
    model stops after the first."""
    folded = key(text)
    found: list[tuple[int, WeaponEntry]] = []
    for name, entry in _weapon_keys():
        span = _whole_word(folded, name)
        if span is None:
            continue
        start, end = span
        folded = folded[:start] + "\0" * (end - start) + folded[end:]  # no overlapping hits
        if all(e.id != entry.id for _, e in found):
            found.append((start, entry))
    return [e for _, e in sorted(found, key=lambda p: p[0])]
