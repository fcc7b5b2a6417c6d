"""Deployments read by rule from sentences whose forces and host are plain: the small strategy does
not ask the model about them (extract/small.py `asked`).

Why: asked which forces one party sends to another, the 1.5B model mostly answered with weapons or
with the sentence's first two states: on the three splits written after dev it found 1 of 15
required deployments. The facts themselves are written in a few fixed shapes: a nationality
next to a word for soldiers ("10,000 North Korean soldiers", "militari români", "environ 700
militaires français") or a state that sends, deploys or stations them ("North Korea had sent 1,500
special forces soldiers"), and the host after "in"/"to"/"spre"/"в" or "alongside" ("to Russia",
"en Roumanie", "alături de forțele ucrainene"). A sentence with exactly one sender and one other
party in such a place is that deployment. Sentences about fighting against the host (an invasion,
an attack) are left out: forces sent against a party are not sent to it.
"""

from __future__ import annotations

import re
from typing import Any

from extract import lexicon, roles
from extract.demonyms import demonym_of
from extract.mentions import find_demonyms
from extract.windows import Sentence

# Words for people under arms (whole-word stems), in the supported languages.
PEOPLE = ("soldier", "troop", "personnel", "mercenar", "instructor", "adviser", "advisor", "servicemen",
          "special forces", "military technicians", "contingent", "battalion", "brigade", "regiment",
          "militari", "trupe", "soldaț", "soldati", "soldats", "militaires", "troupes", "techniciens militaires",
          "instructeurs", "soldaten", "truppen", "kräfte", "tropas", "soldados", "efectivos", "militares",
          "солдат", "военнослужащ", "военны", "войск", "наемник", "найманц", "військов", "бійц",
          "контингент", "جنود", "جندي", "قوات", "عناصر", "مرتزق", "士兵", "军队", "部队")
# Words that put a party where the forces are or go ("in Russia", "spre Polonia", "в Россию").
_HOST = ("in", "into", "to", "at", "în", "spre", "en", "au", "aux", "dans", "nach", "im", "hacia",
         "в", "во", "на", "у", "до", "في", "إلى", "w", "do")
# "alongside the Ukrainian forces": the host named by its adjective.
_ALONGSIDE = ("alongside", "next to", "alături de", "aux côtés des", "aux côtés de", "junto a", "an der seite",
              "рядом с", "на стороне", "на боці", "إلى جانب")
_FIGHT = ("fight", "fought", "combat", "lupt", "kämpf", "kampf", "lucha", "luchar", "combatt", "воюю", "воева", "сража",
          "воює", "воюва", "قتال", "يقاتل", "作战")
# Where forces are: "on Malian territory", "sur les bases ukrainiennes", "на українських базах".
_PLACES = ("territor", "soil", "base", "region", "teritori", "baz", "région", "zona", "zone", "gebiet", "boden",
           "stützpunkt", "suelo", "территор", "баз", "земл", "регион", "територ", "регіон", "أراضي", "قاعدة",
           "منطقة")
# Verbs that send or station forces; the party named before one of them is the sender.
_SEND = ("send", "sent", "deploy", "station", "dispatch", "trimi", "dislocat", "desfășur", "desfasur", "envoy",
         "déploy", "stationn", "entsandt", "entsend", "verleg", "stationier", "envi", "despleg",
         "desplieg", "направ", "отправ", "переброс", "размест", "развер", "розгорн", "розмісти", "надісл",
         "أرسل", "ترسل", "نشر", "تنشر", "وأرسل", "وترسل", "ونشر", "وتنشر", "派遣", "部署")
# Fighting against the host: forces on its soil are not sent to it.
_HOSTILE = ("invad", "invasion", "attack", "offensive", "occup", "assault", "against", "war against", "envah",
            "invazi", "atac", "ofensiv", "ocup", "angriff", "überfall", "invasión", "ataque", "вторжен", "наступ",
            "атак", "оккуп", "вторгн", "окуп", "напад", "غزو", "هجوم", "اجتياح", "入侵", "进攻")
# Soldiers trained abroad are not deployed there ("ukrainische Soldaten werden in Deutschland ausgebildet"),
# unless a verb sends them ("sent … to Russia's Far East for training").
_TRAIN = ("train", "course", "formation de", "formation des", "ausgebild", "ausbild", "lehrg", "instrui", "cursur",
          "antren", "entren", "обуч", "подготовк", "підготовк", "تدريب",
          "تدرب", "培训")
# "its soldiers", "ses soldats": the party named before them is the sender.
_OWN = ("its", "their", "ses", "leurs", "sus", "seine", "ihre", "săi", "sale", "своих", "свои", "своїх", "свої")
_THOUSAND = ("thousand", "mii ", "mille", "tausend", "mil ", "тысяч", "тисяч", "آلاف", "ألف")
_REPORTED = ("according to", "reported", "intelligence", "sources", "selon", "d'après", "potrivit", "laut", "berichte",
             "según", "informaci", "по данным", "сообщ", "за даними", "повідом", "وفق", "بحسب", "نقلت")
_DENY = ("deni", "deny", "reject", "refute", "dismiss", "fake", "démen", "dément", "dezminț", "dezmint", "respins",
         "dementi", "bestreit", "dement", "niega", "negó", "desmint", "rechaz", "опроверг", "отрица", "фейк",
         "спростов", "заперечу", "نفى", "نفت", "ينفي", "تنفي", "否认")
_NUMBER = re.compile(r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+|\d+")


def people_word(text: str) -> bool:
    """True when the sentence speaks of soldiers, troops or personnel."""
    return roles.has_stem(text, PEOPLE)


def _adjective_states(names: Any, sentence: Sentence) -> list[tuple[int, int, str]]:
    """(start, end in the sentence, party) for every adjective of nationality the sentence uses, in
    any of its forms ("North Korean", "ukrainiennes", "російських"), kept when the document knows
    the party."""
    found = [(m.start, m.end, c.name) for c in find_demonyms(sentence.text) for m in c.mentions]
    for m in re.finditer(r"\w+", sentence.text):
        entry = None if any(a <= m.start() < b for a, b, _ in found) else demonym_of(m.group())
        if entry is not None:
            found.append((m.start(), m.end(), entry.name))
    return sorted(f for f in found if names.get(f[2]) is not None)


def _after(text: str, pos: int, phrases: tuple[str, ...], filler: int = 2) -> bool:
    """The words before `pos` end with one of the phrases and at most `filler` more words, none a
    number ("alături de forțele ucrainene", "on Malian territory" read from "Malian"; not "до 2
    тисяч російських", up to 2,000 Russian)."""
    head = lexicon.key(text[max(0, pos - 48):pos]).strip()
    return any(re.search(rf"(?:^| ){re.escape(lexicon.key(ph))}(?: [^\W\d]+){{0,{filler}}}$", head) for ph in phrases)


def _placed(text: str, start: int, end: int) -> bool:
    """An adjective of a place, not of the forces: after "in"/"on"/"sur" and next to a word for
    territory or a base ("on Malian territory", "sur les bases ukrainiennes"); "in the Russian press"
    is no place."""
    if not _after(text, start, (*_HOST, "on", "sur", "pe", "auf"), 2):
        return False
    words = list(re.finditer(r"\w+", text))
    near = [m.group() for m in words if m.end() <= start][-2:] + [m.group() for m in words if m.start() >= end][:1]
    return roles.has_stem(" ".join(near), _PLACES)


def _named(names: Any, sentence: Sentence) -> list[tuple[int, Any]]:
    """(offset in the sentence, candidate) of the parties that can send or host forces, named by name."""
    out = []
    for cand in names.forces:
        out += [(m.start - sentence.start, cand) for m in cand.mentions
                if sentence.start <= m.start < sentence.end and lexicon.key(m.surface) not in lexicon.demonyms()]
    return sorted(out, key=lambda p: p[0])


def _next_to_people(text: str, start: int, end: int) -> bool:
    """A people word among the three words after the adjective at start..end ("North Korean special
    forces soldiers") or the two before it ("militari români", "techniciens militaires français"),
    with no punctuation between ("presei ruse, militari români": the adjective is the press's)."""
    words = list(re.finditer(r"\w+", text))
    after = [m for m in words if m.start() >= end][:3]
    before = [m for m in words if m.end() <= start][-2:]
    for group in (after, [*reversed(before)]):
        for m in group:
            gap = text[min(m.end(), start):max(m.start(), end)]
            if re.search(r"[,;:()\[\]«»\"]", gap):
                break
            if people_word(m.group()):
                return True
    return False


def _near_people(text: str, pos: int, span: int = 30) -> bool:
    """A people word within `span` characters of an armed group's name ("mercenaries from the Wagner
    Group")."""
    return people_word(text[max(0, pos - span):pos + span])


def _sender(sentence: Sentence, named: list[tuple[int, Any]], adjectives: list[tuple[int, int, str]]) -> str | None:
    """The one party whose forces these are: an armed group or an adjective next to a people word
    ("Wagner mercenaries", "North Korean troops"), else the one party named before "its soldiers" or
    a sending verb (or, in verb-first Arabic, the one party named outside a place)."""
    text = sentence.text
    groups = {c.name for p, c in named if c.kind == "armed_group" and _near_people(text, p)}
    if len(groups) == 1:
        return groups.pop()
    nationals = {n for a, b, n in adjectives if _next_to_people(text, a, b) and not _placed(text, a, b)}
    if len(nationals) == 1:
        return nationals.pop()
    if nationals or groups:
        return None
    words = list(re.finditer(r"\w+", text))
    marks = [m.start() for m in words if roles.has_stem(m.group(), _SEND)]
    marks += [m.start() for i, m in enumerate(words[:-1]) if lexicon.key(m.group()) in _OWN
              and people_word(words[i + 1].group())]
    if not marks:
        return None
    free = {c.name for p, c in named if not roles.preceded_by(text, p, _HOST)}
    before = {c.name for p, c in named if p < min(marks) and c.name in free}
    if len(before) == 1:
        return before.pop()
    return free.pop() if len(free) == 1 and not before and re.search(r"[\u0600-\u06ff]", text) else None


def _host(sentence: Sentence, named: list[tuple[int, Any]], adjectives: list[tuple[int, int, str]],
          sender: str) -> str | None:
    """The one other party the forces fight beside ("alongside the M23 rebels", "alături de forțele
    ucrainene"), else the one the sentence puts them in or sends them to."""
    text = sentence.text
    adjectives = [(a, b, n) for a, b, n in adjectives if n != sender]
    if roles.has_stem(text, _FIGHT):  # "servent aux côtés des Français" in Romania: Romania hosts them
        beside = {c.name for p, c in named if c.name != sender and _after(text, p, _ALONGSIDE, 1)}
        beside |= {n for a, _, n in adjectives if _after(text, a, _ALONGSIDE, 2)}
        if len(beside) == 1:
            return beside.pop()
    hosts = {c.name for p, c in named if c.name != sender and roles.preceded_by(text, p, _HOST)}
    hosts |= {n for a, b, n in adjectives if _placed(text, a, b)}
    return hosts.pop() if len(hosts) == 1 else None


def _people_at(text: str) -> re.Match[str] | None:
    """The first word of the text that names people under arms."""
    return next((m for m in re.finditer(r"\w+", text) if people_word(m.group())), None)


def size(text: str) -> int | None:
    """The number written shortly before the forces' word ("more than 10,000 North Korean troops",
    "environ 700 militaires"), or None."""
    word = _people_at(text)
    if word is None:
        return None
    head = text[max(0, word.start() - 32):word.start()]
    numbers = list(_NUMBER.finditer(head))
    if not numbers:
        return None
    value = int(re.sub(r"\D", "", numbers[-1].group()))
    if roles.has_stem(head[numbers[-1].end():], _THOUSAND):  # "до 2 тисяч", "3 mii de militari"
        value *= 1000
    return value if 0 < value < 1_000_000 else None


def forces(text: str) -> str:
    """The forces as the sentence writes them: the word for them with the adjective of nationality
    before or after it ("North Korean troops", "militari români"), or the word alone."""
    word = _people_at(text)
    if word is None:
        return "forces"
    words = list(re.finditer(r"\w+", text))
    at = next(i for i, m in enumerate(words) if m.start() == word.start())
    lo, hi = word.start(), word.end()
    for n in (2, 1):
        if at - n >= 0 and demonym_of(text[words[at - n].start():words[at - 1].end()]):
            lo = words[at - n].start()
            break
    if at + 1 < len(words) and demonym_of(words[at + 1].group()):
        hi = words[at + 1].end()
    return text[lo:hi][:60]


def certainty(sents: list[Sentence], index: int) -> str:
    """denied when the sentence or the one before it denies or rejects something; reported when it
    cites media, intelligence or sources; else confirmed."""
    if any(roles.has_stem(s.text, _DENY) for s in sents[max(0, index - 1):index + 1]):
        return "denied"
    return "reported" if roles.has_stem(sents[index].text, _REPORTED) else "confirmed"


def find(names: Any, sents: list[Sentence]) -> list[tuple[str, str, Sentence]]:
    """(sender, host, sentence) for the sentences whose forces and host are plain."""
    out = []
    for sentence in sents:
        text = sentence.text
        trained = roles.has_stem(text, _TRAIN) and not roles.has_stem(text, _SEND)
        if not people_word(text) or roles.has_stem(text, _HOSTILE) or trained:
            continue
        named = _named(names, sentence)
        adjectives = _adjective_states(names, sentence)
        sender = _sender(sentence, named, adjectives)
        host = _host(sentence, named, adjectives, sender) if sender else None
        if sender and host and (sender, host) not in {(s, h) for s, h, _ in out}:
            out.append((sender, host, sentence))
    return out
