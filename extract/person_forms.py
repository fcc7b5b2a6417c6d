"""Declined Cyrillic names of persons: one person, whatever the case ("Володимиром Зеленським" is
Volodymyr Zelensky; "Каролем Навроцьким" is Karol Nawrocki).

Why: Russian and Ukrainian decline names ("розмова з Каролем Навроцьким", "встреча с Путиным"). The
person finder takes the declined form as a new person, so a meeting's participant is a name no
gold file and no other document uses, and the same person is listed twice. A Cyrillic name whose
every word starts like a known person's word (at most two letters differ at the end) is that
person: a gazetteer person when one matches, else the document's other form of the name.
"""

from __future__ import annotations

import re
from functools import cache

from anyascii import anyascii

from extract import lexicon
from extract.mentions import Candidate

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _same_word(a: str, b: str) -> bool:
    """Two forms of one declined word: a common start of at least the shorter length less two
    letters (and three letters at least)."""
    common = len(next((a[:i] for i in range(min(len(a), len(b)), 0, -1) if a[:i] == b[:i]), ""))
    return common >= max(3, min(len(a), len(b)) - 2)


def _words(name: str) -> list[str]:
    return lexicon.key(name.replace("'", "").replace("’", "")).split()


def same_name(a: str, b: str) -> bool:
    """"Каролем Навроцьким" and "Кароль Навроцький": each word a form of the other's, in order; one
    extra word before `a`'s ("Також Володимиром Зеленським": the finder took the sentence's first word)."""
    wa, wb = _words(a), _words(b)
    if len(wa) == len(wb) + 1:
        wa = wa[1:]
    return len(wb) >= 2 and len(wa) == len(wb) and all(_same_word(x, y) for x, y in zip(wa, wb, strict=True))


@cache
def _known() -> tuple[list[tuple[str, lexicon.ActorEntry]], list[tuple[str, lexicon.ActorEntry]]]:
    """The gazetteer persons' spellings of two words or more: Cyrillic ones, and Latin ones (to
    compare with a transliterated name)."""
    forms = [(written, entry) for written, entry, _ in lexicon.actor_surface_forms()
             if entry.kind == "person" and " " in written.strip()]
    return ([(w, e) for w, e in forms if _CYRILLIC.search(w)],
            [(w, e) for w, e in forms if not _CYRILLIC.search(w)])


def known_person(name: str) -> lexicon.ActorEntry | None:
    """The gazetteer person a declined Cyrillic name stands for, by its Cyrillic spellings or, when
    the gazetteer has none, by its Latin one ("Ульфом Крістерссоном" → Ulf Kristersson); else None."""
    if not _CYRILLIC.search(name):
        return None
    cyrillic, latin = _known()
    found = {entry.name: entry for written, entry in cyrillic if same_name(name, written)}
    if not found:
        plain = anyascii(name)
        found = {entry.name: entry for written, entry in latin if same_name(plain, written)}
    return next(iter(found.values())) if len(found) == 1 else None


def merged(people: list[Candidate]) -> list[Candidate]:
    """The persons with declined forms folded into the gazetteer person or into the document's
    first-mentioned form of the same name."""
    out: list[Candidate] = []
    for cand in sorted(people, key=lambda c: c.first):
        entry = known_person(cand.name) if cand.kind == "person" else None
        target_name = entry.name if entry is not None else cand.name
        same = next((o for o in out if o.name == target_name or (
            o.kind == "person" and _CYRILLIC.search(cand.name) and same_name(o.name, cand.name))), None)
        if same is not None:
            same.mentions.extend(m for m in cand.mentions if m not in same.mentions)
            same.mentions.sort(key=lambda m: (m.start, m.end))
        elif entry is not None:
            out.append(Candidate(entry.name, "person", entry.country, list(cand.mentions), cand.role))
        else:
            out.append(cand)
    return out
