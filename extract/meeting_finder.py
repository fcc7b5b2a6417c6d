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
        "téléphon", "reçu", "recu ", "întâln", "intaln", "întrevedere", "convorbir", "vizit", "omolog",
        "treffen sich", "trafen sich", "traf sich", "sich getroffen", "gespräch", "gipfel", "besuch", "telefonat",
        "amtskolleg", "reunión", "reunio", "cumbre", "conversación", "homólogo", "llamada", "встреч", "встрет",
        "переговор", "саммит", "визит", "посети", "телефон", "разговор", "зустр", "саміт", "візит", "відвіда",
        "розмов", "会晤", "会见", "会谈", "峰会", "通话", "通电话", "التقى", "لقاء", "اجتماع", "محادثات", "قمة",
        "اتصال", "هاتفي", "نظيره",
        # receiving a visitor, sitting down with, conversing; Italian
        "received ", "receives ", "welcomed", "sat down with", "convers", "su par ", "empfing", "empfangen",
        "recibió", "recibio", "accueilli", "incontr", "colloqui", "telefonat", "vertice", "принял ", "принимал",
        "прийняв", "приймав", "استقبل", "مباحثات")
MAX_PEOPLE = 4
# "The two leaders", "der beiden", "les deux", "cei doi", "обоих", "两人": the persons of this sentence and
# the one before it.
_THE_TWO = re.compile(r"(?:^| )(?:the two|both leaders|die beiden|der beiden|beide|les deux|cei doi|celor doi|"
                      r"los dos|ambos|оба|обоих|обидва|двоє|الرئيسان|الوزيران|الجانبان|الزعيمان)(?: |$)|两人|双方")
# A subject pronoun before the meeting verb ("he and Vladimir Putin held talks", "он встречался с …"):
# the person is the one the sentence before names. Not "el": it is also the Spanish article.
_PRONOUNS = frozenset(lexicon.key(w) for w in (
    "he", "she", "il", "elle", "er", "sie", "ella", "ea", "он", "она", "він", "вона",
    "هو", "هي", "他", "她"))
_SPOKES = tuple(lexicon.key(w) for w in (
    "spokesman", "spokeswoman", "spokesperson", "porte-parole", "purtător de cuvânt", "purtatorul de cuvant",
    "sprecher", "portavoz", "пресс-секретар", "речник", "发言人", "المتحدث"))
_TITLES = tuple(lexicon.key(t) for t in lexicon.load_data("triggers.json")["titles"]) + (
    "counterpart", "homolog", "omolog", "amtskolleg", "коллег", "колег", "rey", "king", "roi", "regele")
_CJK = re.compile(r"[\u3400-\u9fff]")


def says_met(sentence: str) -> bool:
    """A word starts with a MEET stem (a stem with a trailing space is a whole word; Chinese stems
    match anywhere)."""
    padded = f" {lexicon.key(sentence)} "
    return any(lexicon.key(s) in padded if _CJK.search(s) else
               f" {lexicon.key(s)}{' ' if s.endswith(' ') else ''}" in padded for s in MEET)


def persons_in(names: Any, sents: list[Sentence], lo: int, hi: int) -> list[str]:
    """Persons mentioned in sentences lo..hi, in order of mention: by a mention the finder recorded,
    by surname ("Austin spoke by phone", "Зеленського"), or by title and nationality ("el presidente
    ucraniano", "son homologue français") when one person of the text has that nationality."""
    first, last = sents[max(0, lo)], sents[min(len(sents) - 1, hi)]
    start, end = first.start, last.end
    text = " ".join(s.text for s in sents[max(0, lo):hi + 1])
    people = [c for c in names.people if c.kind == "person" and not not_a_person(c.name)]
    hits = []
    for cand in people:
        spots = [m.start for m in cand.mentions if start <= m.start < end and not _speaks_for(text, m.start - start)]
        if spots:  # "Putin's spokesman … the talks between Vladimir Putin and …": the second mention
            hits.append((min(spots), cand.name))
            continue
        pos = _surname_at(cand.name, text)
        pos = _family_name_at(cand, people, text) if pos is None else pos
        if pos is not None:
            hits.append((start + pos, cand.name))
    named = {n for _, n in hits}
    for country, pos in _titled_nationals(text):
        same = [c.name for c in people if c.country == country]
        if len(same) == 1 and same[0] not in named:
            hits.append((start + pos, same[0]))
            named.add(same[0])
    return [n for pos, n in sorted(hits) if not _speaks_for(text, pos - start)]


def _speaks_for(text: str, pos: int) -> bool:
    """"Putin's spokesman Dmitry Peskov said …": a spokesperson reports a meeting, not attends it."""
    window = lexicon.key(text[max(0, pos - 40):pos + 60])
    return any(w in window for w in _SPOKES)


def _surname_at(name: str, text: str) -> int | None:
    """Where the text names a person by surname alone, declined forms included (a word that starts
    with the surname less its last two letters and is at most three letters longer)."""
    surname = name.split()[-1] if " " in name else ""
    if len(surname) < 4:
        return None
    stem = re.escape(surname[:-2] if len(surname) >= 6 else surname)
    m = re.search(rf"(?<!\w){stem}\w{{0,{5 if len(surname) >= 6 else 0}}}(?!\w)", text)
    return m.start() if m else None


def _family_name_at(cand: Any, people: list[Any], text: str) -> int | None:
    """"Kim" for Kim Jong Un, "Xi" for Xi Jinping: a family name written first, for a person the
    gazetteer knows (a country) and no other known person of the text shares."""
    first = cand.name.split()[0] if " " in cand.name else ""
    if not first or not cand.country or any(c is not cand and c.country and c.name.split()[0] == first
                                              for c in people):
        return None
    m = re.search(rf"(?<!\w){re.escape(first)}(?!\w)", text)
    return m.start() if m else None


def _titled_nationals(text: str) -> list[tuple[str, int]]:
    """(country, offset) of "<title> <adjective of nationality>" or the reverse, within two words."""
    words = [(m.start(), m.group()) for m in re.finditer(r"\w[\w'-]*", text)]
    out = []
    for i, (pos, word) in enumerate(words):
        entry = lexicon.demonyms().get(lexicon.key(word))
        if entry is None or not entry.country:
            continue
        near = [w for _, w in words[max(0, i - 2):i + 3] if w != word]
        if any(lexicon.key(w).startswith(t) for w in near for t in _TITLES):
            out.append((entry.country, pos))
    return out


def trimmed(participants: list[str], names: Any, sents: list[Sentence], cited: int) -> list[str]:
    """The model's participants that the cited sentence or a neighbour mentions (by name, surname or
    title and nationality); a name that is no person (a state standing in when the text names fewer
    than two persons) is kept."""
    near = set(persons_in(names, sents, cited - 1, cited + 1))
    return [p for p in participants if p in near or (names.get(p) is not None and names.get(p).kind != "person")]


def find(names: Any, sents: list[Sentence]) -> list[tuple[list[str], Sentence]]:
    """(participants, sentence) for each sentence that says two to four named persons met."""
    out = []
    for sentence in sents:
        if not says_met(sentence.text):
            continue
        people = persons_in(names, sents, sentence.index, sentence.index)
        if len(people) < 2 and _THE_TWO.search(lexicon.key(sentence.text)) and sentence.index > 0:
            both = persons_in(names, sents, sentence.index - 1, sentence.index)  # "the two leaders signed"
            people = both if len(both) == 2 else people
        if len(people) == 1 and (subjectless(sentence.text) or pronoun_subject(sentence.text)) and sentence.index > 0:
            before = [p for p in persons_in(names, sents, sentence.index - 1, sentence.index - 1) if p not in people]
            people = [before[0], *people] if len(before) == 1 else people  # "S-a întâlnit … cu președintele rus"
        if 2 <= len(people) <= MAX_PEOPLE:
            out.append((people, sentence))
    return out


_REFLEXIVE = {"s", "se", "sa", "si", "a", "au", "sich", "ся"}  # "S-a întâlnit", "Se reunió"


def subjectless(sentence: str) -> bool:
    """The sentence opens with its meeting verb ("S-a întâlnit cu …", "Se reunió con …", "Встретился
    с …"): the subject is the person of the sentence before (languages that drop subject pronouns)."""
    words = lexicon.key(sentence).split()[:3]
    while words and words[0] in _REFLEXIVE:
        words = words[1:]
    if not words:
        return False
    head = words[0]
    return any(head.startswith(lexicon.key(s).strip()) for s in MEET if not _CJK.search(s))


def pronoun_subject(sentence: str) -> bool:
    """A subject pronoun stands before the sentence's first meeting word ("On 13 September he and
    Vladimir Putin held talks", "В сентябре он встречался с Владимиром Путиным")."""
    words = lexicon.key(sentence).split()
    for i, word in enumerate(words):
        if says_met(" ".join(words[i:i + 3])) and not _CJK.search(word):
            return any(w in _PRONOUNS for w in words[:i])
    return False


def jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0
