"""Deterministic actor mentions: gazetteer hits and person names, with character offsets.

Why: the 1.5B model loses most of its time and accuracy enumerating actors (it loops, translates
badly, invents). A lookup finds states, organisations, armed groups and companies in any supported
language; a capitalised-name pattern near a title finds persons. Every mention carries the offsets
of the text it was found in, so an actor's evidence is grounded by construction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from extract import lexicon
from extract.demonyms import demonym_of

MAX_WORDS = 6
_WORD = re.compile(r"\w+(?:['’\-]\w+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"\w['’]s$")  # English possessive: the name is the word before it
_ELISION = re.compile(r"(?:[ldjmnstc]|qu|dell|all|nell|sull|dall)['’]", re.IGNORECASE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ARABIC_PREFIX = ("و", "ب", "ل", "ف", "وال", "بال", "لل")
INFLECTING = {"ro", "ru", "uk", "pl", "cs", "bg", "sr", "hr", "sk", "sl", "lt", "lv", "fi", "hu", "de"}
# Short upper-case aliases collide with words in other languages ("UN"/"un", "AU"/"au"): matched
# only as written.
CASE_SENSITIVE_MAX = 5


@dataclass
class Mention:
    start: int
    end: int
    surface: str


@dataclass
class Candidate:
    """One actor the text mentions: its canonical entry and every place it is mentioned."""

    name: str
    kind: str
    country: str | None
    mentions: list[Mention] = field(default_factory=list)
    role: str | None = None

    @property
    def aliases(self) -> list[str]:
        """The distinct ways the text wrote it, other than the canonical name."""
        seen = {lexicon.key(self.name)}
        out = []
        for m in self.mentions:
            if lexicon.key(m.surface) not in seen:
                seen.add(lexicon.key(m.surface))
                out.append(m.surface)
        return out

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


def _is_code(name: str) -> bool:
    return name.isupper() and len(name) == 3 and name.isalpha()


@cache
def _surface_index() -> tuple[dict[str, list[tuple[str, lexicon.ActorEntry]]], dict[str, lexicon.ActorEntry],
                              list[tuple[str, lexicon.ActorEntry]]]:
    """key → [(as written, entry)] for word scripts; stems of single words for inflected forms;
    CJK names for substring search (no spaces between words)."""
    index: dict[str, list[tuple[str, lexicon.ActorEntry]]] = {}
    stems: dict[str, lexicon.ActorEntry] = {}
    cjk: list[tuple[str, lexicon.ActorEntry]] = []
    keep_codes = {"USA", "UAE", "PRC", "ROK"}
    for written, entry, lang in lexicon.actor_surface_forms():
        if lexicon.key(entry.name) in _blocked():
            continue
        if _CJK.search(written):
            cjk.append((written, entry))
            continue
        k = lexicon.key(written)
        if " " not in k and len(k) >= 5 and not written.isupper() and entry.kind == "state":
            stems.setdefault(k[:-1], entry)  # inflected forms in any language ("Данії", "Germaniei")
        if lang not in {"*", "en"}:
            continue  # another language's CLDR name ("Réunion") collides with words ("reunión"); see find_actors
        if (_is_code(written) and written not in keep_codes) or len(k) < 2:
            continue  # "ARM", "CAN", "GEO" as words are not countries
        index.setdefault(k, []).append((written, entry))
    return index, stems, cjk


@cache
def _blocked() -> frozenset[str]:
    return frozenset(lexicon.key(n) for n in lexicon.load_data("actors.json")["not_mentions"]["names"])


def _lookup(span: str, index: dict) -> lexicon.ActorEntry | None:
    options = index.get(lexicon.key(span))
    if not options:
        return None
    for written, entry in options:
        if len(written) <= CASE_SENSITIVE_MAX and written.isupper():
            if span.replace(".", "") == written.replace(".", ""):
                return entry
            continue
        return entry
    return None


def _stem_lookup(word: str, stems: dict[str, lexicon.ActorEntry]) -> lexicon.ActorEntry | None:
    """An inflected country name ("Украины", "Germaniei", "Polsce" not): the word starts with a
    known name less its last letter and adds at most three letters."""
    k = lexicon.key(word)
    if not word[:1].isupper() or len(k) < 5:
        return None
    for cut in range(len(k) - 1, max(len(k) - 5, 3), -1):
        if k[:cut] in stems:
            return stems[k[:cut]]
    return None


@cache
def _local_index(lang: str) -> dict[str, list[tuple[str, lexicon.ActorEntry]]]:
    """The shared index plus the CLDR names of the document's own language."""
    index = {k: list(v) for k, v in _surface_index()[0].items()}
    for written, entry, source in lexicon.actor_surface_forms():
        if (source == lang and not _CJK.search(written) and lexicon.key(written) not in index
                and lexicon.key(entry.name) not in _blocked()):
            index.setdefault(lexicon.key(written), []).append((written, entry))
    return index


def find_actors(text: str, lang: str | None = None) -> list[Candidate]:
    """Gazetteer actors the text mentions, in order of first mention; longest match wins."""
    _, stems, cjk = _surface_index()
    index = _local_index(lang or "en")
    words = _tokens(text)
    found: dict[str, Candidate] = {}

    def add(entry: lexicon.ActorEntry, start: int, end: int) -> None:
        cand = found.setdefault(entry.name, Candidate(entry.name, entry.kind, entry.country))
        if not any(m.start == start and m.end == end for m in cand.mentions):
            cand.mentions.append(Mention(start, end, text[start:end]))

    i = 0
    while i < len(words):
        hit = None
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            entry = _lookup(text[start:end], index)
            if entry is None and n == 1:
                word = text[start:end]
                entry = _prefixed_arabic(word, index) or (_stem_lookup(word, stems) if lang in INFLECTING else None)
            if entry is not None:
                hit = (entry, start, end, n)
                break
        if hit:
            add(*hit[:3])
            i += hit[3]
        else:
            i += 1
    for written, entry in cjk:
        for m in re.finditer(re.escape(written), text):
            add(entry, m.start(), m.end())
    for cand in found.values():  # in text order: the CJK pass adds in gazetteer (hash) order
        cand.mentions.sort(key=lambda m: (m.start, m.end))
    return sorted(found.values(), key=lambda c: c.first)


def _tokens(text: str) -> list[tuple[int, int]]:
    """Word spans; an elided article is its own word ("l'OTAN" → "l'", "OTAN"), an English possessive
    is left out ("Ukraine's" → "Ukraine")."""
    spans = []
    for m in _WORD.finditer(text):
        elided = _ELISION.match(m.group())
        end = m.end() - 2 if _POSSESSIVE.search(m.group()) else m.end()  # "Russia's Far East": Russia
        if elided and elided.end() < len(m.group()):
            spans += [(m.start(), m.start() + elided.end()), (m.start() + elided.end(), end)]
        else:
            spans.append((m.start(), end))
    return spans


def _prefixed_arabic(word: str, index: dict) -> lexicon.ActorEntry | None:
    if not ("\u0600" <= word[:1] <= "\u06ff"):
        return None
    for prefix in _ARABIC_PREFIX:
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            entry = _lookup(word[len(prefix):], index) or _lookup("ال" + word[len(prefix):], index)
            if entry:
                return entry
    return None


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


# --- persons --------------------------------------------------------------------------------------
_UPPER = r"[A-ZÀ-ÖØ-ÞĀ-ſȘȚА-ЯЁЄІЇҐ]"
_LOWER = r"[a-zß-öø-ÿā-ſșțа-яёєіїґ]"
_NAME_TOKEN = rf"(?:(?:al|el|ad|as|ash|ar|az)-)?{_UPPER}{_LOWER}+(?:-{_UPPER}?{_LOWER}+)*"  # "al-Sisi"
_PARTICLE = r"(?:de|da|do|dos|du|van|von|der|den|al|bin|ibn|la|le|el)"
_GAP = r"[^\S\n]+"  # names do not run across lines (headlines, captions)
_PERSON = re.compile(rf"(?<![\w\-'’])({_NAME_TOKEN}(?:{_GAP}(?:{_PARTICLE}{_GAP})?{_NAME_TOKEN}){{1,3}})(?![\w\-'’])")
_SURNAME_AFTER_TITLE = re.compile(rf"(\w+){_GAP}({_NAME_TOKEN})(?![\w\-'’])")
_STOP = {lexicon.key(w) for w in (
    "the", "a", "an", "this", "that", "in", "on", "at", "for", "after", "before", "during", "but", "and", "or",
    "le", "la", "les", "un", "une", "des", "du", "au", "aux", "en", "dans", "selon", "pour", "par", "avec",
    "în", "pe", "după", "potrivit", "iar", "și", "cu", "din", "de",
    "der", "die", "das", "ein", "eine", "im", "am", "nach", "laut", "und", "mit",
    "el", "los", "las", "según", "tras", "con", "por", "para", "y",
    "в", "на", "по", "после", "и", "с", "у", "за", "як", "та", "і",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
    "décembre", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "ianuarie", "februarie", "martie", "aprilie", "iunie", "iulie", "septembrie", "octombrie", "noiembrie",
    "decembrie", "luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică",
    "ministry", "ministerul", "ministère", "ministerium", "ministerio", "министерство", "міністерство",
    "president", "minister", "secretary", "general", "prime", "defence", "defense", "foreign", "affairs",
    "state", "house", "white", "council", "army", "air", "force", "forces", "navy", "group", "news", "agency",
    "north", "south", "east", "west", "new", "european", "union", "united", "nations", "security",
    "when", "while", "as", "if", "since", "then", "there", "here", "it", "its", "his", "her", "their", "we", "our",
    "als", "bei", "nur", "diese", "dieser", "jedes", "jede", "sollte", "von", "zum", "zur", "vom", "wie", "auch",
    "desde", "durante", "ante", "este", "esta", "lors", "depuis", "cette", "ce", "il", "elle", "ils",
    "acest", "aceasta",
)}
# German capitalises every noun: there a person needs a title right before the name, or the
# surname repeated alone.
CAPITALISED_NOUNS = {"de"}


@cache
def _titles() -> tuple[str, ...]:
    return tuple(lexicon.key(t) for t in lexicon.load_data("triggers.json")["titles"])


def _is_title_word(word: str) -> bool:
    """"minister", "Verteidigungsminister", "președintele": a title, also inside a compound."""
    k = lexicon.key(word)
    return any(k.startswith(t) or (len(t) >= 6 and t in k) for t in _titles())


def _is_name_word(word: str) -> bool:
    k = lexicon.key(word)
    return (k not in _STOP and lexicon.actor(word) is None and k not in lexicon.demonyms()
            and lexicon.weapon(word) is None and _stem_lookup(word, _surface_index()[1]) is None)


_GENITIVE = re.compile(r"(?:ului|ilor|elor)$")  # Romanian articled nouns ("Forumului"), never first names


def _names_a_place_or_body(words: list[str]) -> bool:
    """"Coreea de Nord", "Coreei de Nord", "Forumului Economic": a gazetteer name inside, or a noun."""
    for i in range(len(words)):
        for j in range(i + 2, len(words) + 1):
            if lexicon.actor(" ".join(words[i:j])) is not None:
                return True
    return any(_GENITIVE.search(w.casefold()) for w in words)


def _titled(text: str, start: int, end: int) -> bool:
    """A title word ("minister", "președintele", "президент") within six words before the name or
    four after it."""
    before = _WORD.findall(text[max(0, start - 80):start])[-6:]
    after = _WORD.findall(text[end:end + 60])[:4]
    return any(_is_title_word(w) for w in before + after)


def _appositive_title(text: str, start: int) -> bool:
    """The name follows a comma whose clause names a title: "der Sprecher des Außenministeriums in
    Kairo, Ahmed Abu Zeid" (German capitalises every noun, so only a title lets a name in)."""
    head = text[max(0, start - 90):start]
    if not re.search(r",\s*$", head):
        return False
    clause = re.split(r"[.;:!?\n]", head.rstrip().rstrip(","))[-1]
    return any(_is_title_word(w) for w in _WORD.findall(clause)[-8:])


def find_persons(text: str, titled: bool = True, lang: str | None = None) -> list[Candidate]:
    """Persons named with at least two capitalised words (first name and surname), not in the
    gazetteer; with `titled`, only those with a title nearby at least once. Later mentions of
    the surname alone join the person."""
    people: dict[str, Candidate] = {}
    has_title: set[str] = set()
    for m in _PERSON.finditer(text):
        words = m.group(1).split()
        while words and (not _is_name_word(words[0]) or _is_title_word(words[0])):  # "Ministrul Angel X" → "Angel X"
            words = words[1:]
        while words and not _is_name_word(words[-1]) and len(lexicon.key(words[-1])) > 2:  # "Kim Jong Un"
            words = words[:-1]
        while words and words[-1].islower():  # "Vladimir Putin la (Moscova)" → "Vladimir Putin"
            words = words[:-1]
        if len(words) < 2 or not all(_is_name_word(w) or w.islower() for w in words[:-1]):
            continue
        if _names_a_place_or_body(words):
            continue
        name = " ".join(words)
        start = m.start(1) + m.group(1).index(words[0])
        end = start + len(name) if text[start:start + len(name)] == name else m.end(1)
        previous = _WORD.findall(text[max(0, start - 40):start])[-1:]
        if lang in CAPITALISED_NOUNS and not (previous and _is_title_word(previous[0])) \
                and not _appositive_title(text, start):
            continue
        key = _person_key(name, people)
        cand = people.setdefault(key, Candidate(name, "person", None))
        cand.mentions.append(Mention(start, end, text[start:end]))
        if _titled(text, start, end):
            has_title.add(key)
    for cand in people.values():
        surname = cand.name.split()[-1]
        for m in re.finditer(rf"(?<![\w\-]){re.escape(surname)}(?![\w\-])", text):
            if not any(x.start <= m.start() < x.end for x in cand.mentions):
                cand.mentions.append(Mention(m.start(), m.end(), surname))
    # named twice (full name, then the surname alone) is as good a sign as a title
    out = [c for k, c in people.items() if not titled or k in has_title or len(c.mentions) > 1]
    out += _titled_surnames(text, out)
    return sorted(out, key=lambda c: c.first)


def _titled_surnames(text: str, known: list[Candidate]) -> list[Candidate]:
    """A lone capitalised word right after a title ("minister Shoigu"), not part of a known name."""
    taken = {lexicon.key(m.surface) for c in known for m in c.mentions} | {
        lexicon.key(w) for c in known for w in c.name.split()}
    found: dict[str, Candidate] = {}
    for m in _SURNAME_AFTER_TITLE.finditer(text):
        title, word = lexicon.key(m.group(1)), m.group(2)
        if not any(title.startswith(t) for t in _titles()) or not _is_name_word(word) or lexicon.key(word) in taken:
            continue
        after = text[m.end(2):m.end(2) + 2]
        if after[:1].isspace() and after[1:2].isupper():  # the first name of a longer name, seen above
            continue
        cand = found.setdefault(lexicon.key(word), Candidate(word, "person", None))
        cand.mentions.append(Mention(m.start(2), m.end(2), word))
    return list(found.values())


def _person_key(name: str, people: dict[str, Candidate]) -> str:
    """"Kim Jong-un" and "Kim Jong Un" are one person; so is a longer form of a known name."""
    k = lexicon.key(name)
    for known in people:
        if k == known or k.endswith(" " + known) or known.endswith(" " + k):
            return known
    return k


_MADE_IN = re.compile(r"(?<=\w)-(?=(?:made|built|designed|produced|supplied)\b)")


def find_demonyms(text: str) -> list[Candidate]:
    """States named only by an adjective ("secretarul american", "North Korean troops"): candidates
    for a role, with the adjective's offsets; they become actors only when an event uses them."""
    table = lexicon.demonyms()
    found: dict[str, Candidate] = {}
    tokens = _tokens(_MADE_IN.sub(" ", text))  # "Chinese-made": the adjective alone (same offsets)
    i = 0
    while i < len(tokens):
        for n in (2, 1):
            start, end = tokens[i][0], tokens[min(i + n, len(tokens)) - 1][1]
            word = text[start:end]
            if len(word) < 3 or (word.isupper() and len(word) <= CASE_SENSITIVE_MAX):
                continue
            entry = table.get(lexicon.key(word)) if n == 2 else demonym_of(word)
            if entry is not None:
                cand = found.setdefault(entry.name, Candidate(entry.name, entry.kind, entry.country))
                cand.mentions.append(Mention(start, end, word))
                i += n - 1
                break
        i += 1
    return sorted(found.values(), key=lambda c: c.first)


@cache
def _not_person() -> tuple[frozenset[str], re.Pattern[str]]:
    data = lexicon.load_data("actors.json")["not_person_words"]
    labels = "|".join(re.escape(w) for w in data["byline_labels"])
    return (frozenset(lexicon.key(w) for w in data["words"]),
            re.compile(rf"^\s*(?:{labels})\b\s*[:\-–—]?\s*", re.IGNORECASE))


def not_a_person(name: str) -> bool:
    """"Hurricane Milton", "Vostochny Cosmodrome", "День Повітряних": a capitalised name the person
    finder took, whose words say it is a place, event, document or body."""
    return any(lexicon.key(w) in _not_person()[0] for w in name.split())


def byline_only(cand: Candidate, text: str) -> bool:
    """Every mention of the person is on a byline ("Автор: Ирина Белова"): the article's author."""
    def on_byline(start: int) -> bool:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        label = _not_person()[1].match(line)
        return label is not None and len(line[label.end():].split()) <= 6
    return all(on_byline(m.start) for m in cand.mentions)
