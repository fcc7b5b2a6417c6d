"""Transfers the small model did not list, found from the parties it did (small-model strategy).

Why: a long article names a dozen systems one party gave another across as many sentences; the 1.5B
model lists one or two of them. A sentence that gives, sells or buys a weapon the lexicon knows and
names the parties (by name, not as the place something happened) is a transfer when its direction is
plain: a preposition ("an die Ukraine", "from Iran"), a buying verb, or a pair the model already
stated for this document. A sentence naming one party of exactly one stated pair is that pair's.
Anything less plain is left out: this adds recall only where precision stays.
"""

from __future__ import annotations

import re
from typing import Any

from extract import lexicon, origin, roles
from extract.demonyms import demonym_of
from extract.weapon_lists import generic_weapons, specific_weapons
from extract.windows import Sentence
from schemas.records import Transfer, Weapon

# A comma and a coordinating conjunction: where a second clause with its own subject may begin.
_CLAUSE = re.compile(r"[,;]\s+(?=(?:and|while|but|whereas|et|mais|alors que|și|iar|dar|und|während|aber|y|mientras|"
                     r"pero|и|а|но|і|та)\s)", re.IGNORECASE)


def _named(names: Any, sentence: Sentence) -> list[tuple[int, Any]]:
    """Parties the sentence names (not as the place of an event), with their first offset in it."""
    out = []
    for cand in names.parties:
        spots = [m.start - sentence.start for m in cand.mentions
                 if sentence.start <= m.start < sentence.end and lexicon.key(m.surface) not in lexicon.demonyms()]
        spots = [p for p in spots if not roles.preceded_by(sentence.text, p, roles.LOCATIVE)]
        if spots:
            out.append((min(spots), cand))
    return sorted(out, key=lambda p: p[0])


def _others(names: Any, named: list[tuple[int, Any]], sentence: Sentence) -> bool:
    """True when the sentence mentions a party besides the named ones in any way, a declined
    adjective included ("о поставках в Россию иранских ракет")."""
    known = {c.name for _, c in named}
    if any(sentence.start <= m.start < sentence.end for c in names.parties if c.name not in known for m in c.mentions):
        return True
    words = sentence.text.split()
    states = {e.name for w in words if (e := demonym_of(w))}
    return bool(states - known)


def _pair(named: list[tuple[int, Any]], stated: list[tuple[str, str]], sentence: Sentence,
          others: bool) -> tuple[str, str] | None:
    """(supplier, recipient) when the sentence makes it plain, else None. `others`: the sentence
    mentions another party in some way (an adjective: "иранских ракет"), so one named party is not
    enough."""
    names = [c.name for _, c in named]
    at = {c.name: p for p, c in named}
    for supplier, recipient in stated:  # a pair the model stated, both named here, turned if a preposition says so
        if supplier in names and recipient in names:
            flip = roles.direction(sentence.text, [(at[supplier], at[supplier])], [(at[recipient], at[recipient])])
            return (recipient, supplier) if flip else (supplier, recipient)
    if len(named) == 2:
        (pa, a), (pb, b) = named
        spans_a, spans_b = [(pa, pa)], [(pb, pb)]
        if roles.direction(sentence.text, spans_a, spans_b):
            return b.name, a.name
        if roles.direction(sentence.text, spans_b, spans_a):
            return a.name, b.name
        between = sentence.text[pa:pb]
        one_clause = not re.search(r"[,;:]", between) and len(between.split()) <= 6
        if roles.gives_actively(between) and one_clause and not others:
            return a.name, b.name  # "Poland has given Ukraine 240 T-72 tanks": the giver is named first
        return None
    if len(named) == 1 and not others:
        pairs = {p for p in stated if names[0] in p}
        if len(pairs) != 1:
            return None
        pair = pairs.pop()
        at = named[0][0]
        to, since = roles.preceded_by(sentence.text, at, roles.TO), roles.preceded_by(sentence.text, at, roles.FROM)
        if (to and pair[0] == names[0]) or (since and pair[1] == names[0]):
            return None  # "… qu'il fournit à la Russie": Russia receives here, whatever the stated pair says
        return pair
    return None


def _route(names: Any, sentence: Sentence) -> tuple[str, str] | None:
    """(A, B) when the sentence moves goods "from A to B" ("din Coreea de Nord către Rusia"): A named
    after a "from" word, B after a "to" word, later in the sentence, both states."""
    if not (roles.transfer_act(sentence.text) or roles.moves_goods(sentence.text)):
        return None
    named = [(p, c) for p, c in _named(names, sentence) if c.kind == "state"]
    source = [(p, c) for p, c in named if roles.preceded_by(sentence.text, p, (*roles.FROM, "din"))]
    goal = [(p, c) for p, c in named if roles.preceded_by(sentence.text, p, roles.TO)]
    if len(source) == 1 and len(goal) == 1 and source[0][0] < goal[0][0] and source[0][1] is not goal[0][1]:
        return source[0][1].name, goal[0][1].name
    return None


def routed(sents: list[Sentence], names: Any) -> list[tuple[str, str, Weapon, Sentence]]:
    """Generic goods ("munitions", "shells") with a plain route: the one case where a word any war
    article uses is a transfer without a named system."""
    out = []
    for sentence in sents:
        generic = generic_weapons(sentence.text)
        pair = _route(names, sentence) if generic else None
        if pair is not None:
            out += [(*pair, Weapon(name=e.name, category=e.category), sentence) for e in generic]
    return out


def find(seeds: list[Transfer], names: Any, sents: list[Sentence]) -> list[tuple[str, str, Weapon, Sentence]]:
    """(supplier, recipient, weapon, sentence) for the weapons of giving, selling or buying sentences
    whose parties are plain."""
    stated = list(dict.fromkeys((t.supplier, t.recipient) for t in seeds))
    out = []
    for sentence in sents:
        for part in clauses(sentence, names):
            weapons = specific_weapons(part.text)
            if not weapons or not roles.transfer_act(part.text) or roles.own_equipment(part.text):
                continue
            named = _named(names, part)
            others = _others(names, named, part)
            pair = _pair(named, stated, part, others)
            for e in weapons:
                this = origin.maker_pair(names, part, [c.name for _, c in named], e) if pair is None else \
                    origin.turned(*pair, e, names)
                if this is not None and this[0] != this[1]:
                    out.append((this[0], this[1], Weapon(name=e.name, category=e.category), sentence))
    return out + routed(sents, names)


def clauses(sentence: Sentence, names: Any) -> list[Sentence]:
    """The sentence's coordinated clauses when each gives, sells or buys and names a party on its own
    ("… vessels bought from Italy's Fincantieri, and Turkey has delivered Atmaca missiles …": Italy
    sold the vessels, not the missiles); otherwise the sentence whole ("…, and it has taken delivery
    of J-10C fighters": "it" is the first clause's buyer). Offsets stay those of the text."""
    cuts = [m.start() for m in _CLAUSE.finditer(sentence.text)]
    if not cuts:
        return [sentence]
    bounds = [0, *cuts, len(sentence.text)]
    parts = [Sentence(sentence.index, sentence.start + a, sentence.start + b, sentence.text[a:b])
             for a, b in zip(bounds, bounds[1:], strict=False)]
    return parts if all(roles.transfer_act(p.text) and _named(names, p) for p in parts) else [sentence]
