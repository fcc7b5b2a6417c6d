"""The month a sentence dates its event to, for the small-model strategy's meetings.

Why: meetings match gold on participants and date; two summits of the same leaders a year apart are
one record without a date, and the second is lost. A month (not a day: "on Sunday" is easy to get
wrong) named in the sentence, in any supported language, dates the record; a month without a year
is in the publication year, or the year before when that month has not come yet ("去年3月", "in
September" of an article from May).
"""

from __future__ import annotations

import re
from functools import cache

from extract import lexicon

# Month stems per number, folded (lexicon.key): en, fr, ro, de, es, ru, uk (nominative and declined).
_MONTHS = {
    1: ("january", "janvier", "ianuarie", "januar", "enero", "январ", "січ"),
    2: ("february", "fevrier", "februarie", "februar", "febrero", "феврал", "лют"),
    3: ("march", "mars", "martie", "marz", "maerz", "marzo", "март", "берез"),
    4: ("april", "avril", "aprilie", "abril", "апрел", "квіт"),
    5: ("may", "mai", "mayo", "мая", "май", "мае", "трав"),
    6: ("june", "juin", "iunie", "juni", "junio", "июн", "черв"),
    7: ("july", "juillet", "iulie", "juli", "julio", "июл", "лип"),
    8: ("august", "aout", "august", "agosto", "август", "серп"),
    9: ("september", "septembre", "septembrie", "septiembre", "сентябр", "верес"),
    10: ("october", "octobre", "octombrie", "oktober", "octubre", "октябр", "жовт"),
    11: ("november", "novembre", "noiembrie", "noviembre", "ноябр", "листопад"),
    12: ("december", "decembre", "decembrie", "dezember", "diciembre", "декабр", "груд"),
}
_CJK_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月")
_YEAR = re.compile(r"^\W*(?:de\s+|del\s+)?((?:19|20)\d{2})\b")


@cache
def _stems() -> list[tuple[str, int]]:
    return sorted(((s, n) for n, stems in _MONTHS.items() for s in stems), key=lambda p: -len(p[0]))


def _whole(stem: str) -> bool:
    """Latin-script month names are whole words; Cyrillic stems take case endings."""
    return stem.isascii()


def month(sentence: str, published: str | None) -> str | None:
    """"YYYY-MM" for the first month the sentence names, or None."""
    year_now, month_now = _published(published)
    cjk = _CJK_MONTH.search(sentence)
    if cjk and 1 <= int(cjk.group(2)) <= 12:
        year = int(cjk.group(1)) if cjk.group(1) else None
        if year is None and "去年" in sentence[max(0, cjk.start() - 4):cjk.start()]:
            year = year_now - 1 if year_now else None
        return _dated(year, int(cjk.group(2)), year_now, month_now)
    folded = lexicon.key(sentence)
    best: tuple[int, int, int] | None = None  # (position, month, end)
    for stem, number in _stems():
        pattern = rf"(?<!\w){re.escape(stem)}(?!\w)" if _whole(stem) else rf"(?<!\w){re.escape(stem)}\w{{0,3}}(?!\w)"
        m = re.search(pattern, folded)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), number, m.end())
    if best is None or (folded[best[0]:best[2]] in _WORDS_TOO and not _next_to_number(folded, best[0], best[2])):
        return None
    if re.search(rf"(?:^|\s)(?:{'|'.join(_SINCE)})(?:\s+\w+){{0,3}}\s*$", folded[:best[0]]):
        return None  # "since April 2022": the start of something else, not the event's date
    year = _YEAR.match(folded[best[2]:])
    return _dated(int(year.group(1)) if year else None, best[1], year_now, month_now)


_SINCE = ("since", "depuis", "din", "seit", "desde", "с", "со", "з", "від", "until", "jusqu", "bis", "hasta", "до")
# Month names that are common words too (English "may", "march"; Romanian and French "mai" = "more"):
# a month only next to a day or a year ("on 7 May", "mai 2024").
_WORDS_TOO = {"may", "mai", "march", "mars"}


def _next_to_number(folded: str, start: int, end: int) -> bool:
    return bool(re.search(r"\d\s*$", folded[:start]) or re.match(r"\s*\d", folded[end:]))


def _published(published: str | None) -> tuple[int | None, int | None]:
    m = re.match(r"(\d{4})(?:-(\d{2}))?", published or "")
    return (int(m.group(1)), int(m.group(2)) if m.group(2) else None) if m else (None, None)


def _dated(year: int | None, number: int, year_now: int | None, month_now: int | None) -> str | None:
    if year is None:
        if year_now is None:
            return None
        year = year_now - 1 if month_now is not None and number > month_now else year_now
    return f"{year:04d}-{number:02d}"
