"""Where a weapon comes from: the lexicon's `origin` (the state whose industry builds it).

Why: the 1.5B model and word order both get direction wrong ("Serbia → China: FK-3", "Indonesia →
France: Rafale"), and a sentence often names only the buyer ("Thailand's Chinese submarine", "the
KN-23 … to support Russian forces"). A state does not receive the systems its own industry builds,
so a record with the maker as recipient is turned; the maker is the supplier of a new system whose
sentence names it (or its adjective) and one other state. Soviet-era designs, multinational
programmes and generic words have no origin and are left alone.
"""

from __future__ import annotations

from typing import Any

from extract import roles
from extract.lexicon import WeaponEntry
from extract.mentions import find_demonyms


def country(names: Any, party: str) -> str | None:
    cand = names.get(party)
    return cand.country if cand is not None else None


def turned(supplier: str, recipient: str, entry: WeaponEntry | None, names: Any) -> tuple[str, str]:
    """(supplier, recipient), turned when the recipient is the state that builds the weapon and the
    supplier is not."""
    maker = entry.origin if entry is not None else None
    if maker and country(names, recipient) == maker and country(names, supplier) not in (None, maker):
        return recipient, supplier
    return supplier, recipient


def _states_here(names: Any, sentence_text: str, named: list[str]) -> set[str]:
    """The document's state candidates this sentence names or qualifies with an adjective
    ("Chinese-made", "russische", "nord-coreeni")."""
    found = {c.name for c in find_demonyms(sentence_text)}
    return {n for n in (*named, *found) if (c := names.get(n)) is not None and c.kind == "state"}


def maker_pair(names: Any, sentence: Any, named: list[str], entry: WeaponEntry) -> tuple[str, str] | None:
    """(maker, buyer) for a sentence about a new system that names its maker's state (or the maker's
    adjective) and exactly one other state that it does not name as a source or a place ("forces in
    Ukraine", "din Ucraina"), one of the two by adjective only ("Chinese-made", "forțele ruse"), else
    None. Two states named outright may both be givers ("Deutschland hat … geliefert, die Niederlande
    steuerten acht bei"): that is left to the model and the stated pairs."""
    if not entry.origin:
        return None
    states = _states_here(names, sentence.text, named)
    maker = [s for s in states if names.get(s).country == entry.origin]
    others = [s for s in states if names.get(s).country != entry.origin and not _only_source(names.get(s), sentence)]
    if len(maker) == 1 and len(others) == 1 and not (maker[0] in named and others[0] in named):
        return maker[0], others[0]  # one side by adjective only: two named states may be two givers
    return None



def _only_source(cand: Any, sentence: Any) -> bool:
    """Every mention of the party in the sentence follows "from"/"in" ("din", "из", "aus"): it is
    where something comes from or happens, never the buyer."""
    spots = [m.start - sentence.start for m in cand.mentions if sentence.start <= m.start < sentence.end]
    words = (*roles.FROM, *roles.LOCATIVE, "din", "из", "з", "із", "en")
    return bool(spots) and all(roles.preceded_by(sentence.text, p, words) for p in spots)
