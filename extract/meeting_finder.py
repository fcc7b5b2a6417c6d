"""Meetings the small model did not list (small-model strategy).

Why: asked which people meet, the 1.5B model repeats one pair for every sentence or lists every
person of the article (six people "met" in a paragraph about an aid package). A sentence that says
people met, talked or called ("kamen … zu einem Gespräch zusammen", "spoke by phone with", "s-a
întâlnit cu", "провёл телефонный разговор") and names two or more persons is a meeting of those
persons. (Keeping only the participants the cited sentence or a neighbour mentions was tried and
lost more than it gained: "son homologue français" names Macron without his name.)
"""

from __future__ import annotations

import re
from typing import Any

from extract import lexicon
from extract.mentions import not_a_person
from extract.windows import Sentence

# Stems that say people met or talked (a subset of the meeting triggers: "signed", "conference" or
# "discussed" alone do not).
MEET = ("met ", "meet", "meeting", "talks", "talked", "summit", "visit", "hosted", "phone", "spoke", "conversation",
        "counterpart", "bilateral", "rencontr", "entretien", "entretenu", "sommet", "visite", "homologue",
        "téléphon", "reçu", "recu ", "întâln", "intaln", "întrevedere", "convorbir", "vizit", "omolog", "treffen",
        "getroffen", "trafen", "gespräch", "gipfel", "besuch", "telefonat", "amtskolleg", "reunión", "reunio",
        "cumbre", "conversación", "homólogo", "llamada", "встреч", "встрет", "переговор", "саммит", "визит",
        "посети", "телефон", "разговор", "зустр", "саміт", "візит", "відвіда", "розмов", "会晤", "会见", "会谈",
        "峰会", "通话", "通电话", "التقى", "لقاء", "اجتماع", "محادثات", "قمة", "اتصال", "هاتفي", "نظيره")
MAX_PEOPLE = 4
_CJK = re.compile(r"[\u3400-\u9fff]")


def says_met(sentence: str) -> bool:
    """A word starts with a MEET stem (a stem with a trailing space is a whole word; Chinese stems
    match anywhere)."""
    padded = f" {lexicon.key(sentence)} "
    return any(lexicon.key(s) in padded if _CJK.search(s) else
               f" {lexicon.key(s)}{' ' if s.endswith(' ') else ''}" in padded for s in MEET)


def persons_in(names: Any, sents: list[Sentence], lo: int, hi: int) -> list[str]:
    """Persons mentioned in sentences lo..hi, in order of mention."""
    start, end = sents[max(0, lo)].start, sents[min(len(sents) - 1, hi)].end
    hits = sorted((min(m.start for m in c.mentions if start <= m.start < end), c.name)
                  for c in names.people if c.kind == "person" and not not_a_person(c.name)
                  and any(start <= m.start < end for m in c.mentions))
    return [n for _, n in hits]


def find(names: Any, sents: list[Sentence]) -> list[tuple[list[str], Sentence]]:
    """(participants, sentence) for each sentence that says two to four named persons met."""
    out = []
    for sentence in sents:
        if not says_met(sentence.text):
            continue
        people = persons_in(names, sents, sentence.index, sentence.index)
        if 2 <= len(people) <= MAX_PEOPLE:
            out.append((people, sentence))
    return out


def jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0
