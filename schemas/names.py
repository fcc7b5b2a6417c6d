"""Names and countries: how names compare, which country a name means, and what a country is called.

Why one module: the validators (schemas/), the normaliser, the support check and the gazetteer
(extract/) used to resolve countries each with their own key and their own source of translated
names, so "Moscova" could be a country to one stage and an unknown name to the next. Every stage
reads the rules below. Sources: the alias tables here (metonyms and local spellings pycountry does
not know), pycountry (ISO names and their official translations) and CLDR via babel (the short
names in every supported language). The large tables load on first use, not at import: the CLI
imports this module on every start.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pycountry

# Names that pycountry does not know: metonyms (capitals, seats of government) and local spellings.
# Keys are name_key()s. Extend here, not in code: the normaliser and the validators both read it.
COUNTRY_ALIASES: dict[str, str] = {
    # North Korea
    "north korea": "PRK", "dprk": "PRK", "pyongyang": "PRK", "phenian": "PRK", "phenianul": "PRK",
    "coreea de nord": "PRK", "corée du nord": "PRK", "coree du nord": "PRK",
    "democratic people's republic of korea": "PRK",
    # South Korea
    "south korea": "KOR", "rok": "KOR", "republic of korea": "KOR", "seoul": "KOR",
    "coreea de sud": "KOR", "corée du sud": "KOR",
    # Russia
    "russia": "RUS", "moscow": "RUS", "moscova": "RUS", "moscovei": "RUS", "kremlin": "RUS",
    "rusia": "RUS", "rusiei": "RUS", "russie": "RUS", "moscou": "RUS", "russian federation": "RUS",
    # Ukraine
    "ukraine": "UKR", "kyiv": "UKR", "kiev": "UKR", "ucraina": "UKR", "ucrainei": "UKR",
    # Others frequently written by capital or in Romanian/French
    "china": "CHN", "beijing": "CHN", "prc": "CHN", "people's republic of china": "CHN",
    "iran": "IRN", "tehran": "IRN", "teheran": "IRN",
    "united states": "USA", "us": "USA", "u.s.": "USA", "usa": "USA", "washington": "USA",
    "statele unite": "USA", "sua": "USA", "états-unis": "USA", "etats-unis": "USA", "america": "USA",
    "united kingdom": "GBR", "uk": "GBR", "britain": "GBR", "great britain": "GBR", "london": "GBR",
    "marea britanie": "GBR", "royaume-uni": "GBR",
    "france": "FRA", "paris": "FRA", "franța": "FRA", "franta": "FRA",
    "germany": "DEU", "berlin": "DEU", "germania": "DEU", "allemagne": "DEU",
    "romania": "ROU", "românia": "ROU", "roumanie": "ROU", "bucharest": "ROU", "bucurești": "ROU",
    "poland": "POL", "polonia": "POL", "pologne": "POL", "warsaw": "POL",
    "turkey": "TUR", "türkiye": "TUR", "turcia": "TUR", "turquie": "TUR", "ankara": "TUR",
    "taiwan": "TWN", "taipei": "TWN",
    "syria": "SYR", "damascus": "SYR", "belarus": "BLR", "minsk": "BLR",
    "israel": "ISR", "moldova": "MDA", "republic of moldova": "MDA", "chișinău": "MDA",
    "vietnam": "VNM", "viet nam": "VNM", "laos": "LAO", "bolivia": "BOL", "venezuela": "VEN",
    "tanzania": "TZA", "czech republic": "CZE", "czechia": "CZE",
}

# Canonical English short names for codes whose pycountry name is long or formal.
CANONICAL_COUNTRY_NAMES: dict[str, str] = {
    "PRK": "North Korea", "KOR": "South Korea", "RUS": "Russia", "IRN": "Iran", "SYR": "Syria",
    "USA": "United States", "GBR": "United Kingdom", "TWN": "Taiwan", "VNM": "Vietnam",
    "BOL": "Bolivia", "VEN": "Venezuela", "TZA": "Tanzania", "MDA": "Moldova", "CZE": "Czechia",
    "LAO": "Laos", "CHN": "China", "TUR": "Turkey",
    "COD": "Democratic Republic of the Congo", "COG": "Republic of the Congo", "PSE": "Palestine",
}

# CLDR locales whose short country names count (the project's languages and their neighbours).
LANGUAGES = ("en", "fr", "ro", "de", "es", "it", "pt", "pl", "nl", "uk", "ru", "zh", "ar", "fa", "ko", "ja", "tr", "he")
# Languages of pycountry's translated ISO names ("Federația Rusă", "Северная Корея", "США"): CLDR has
# only the short names, and without these a French article lost Armenia and India on the dev set.
ISO_LANGUAGES = ("fr", "ro", "de", "es", "it", "pt", "pl", "uk", "ru")
_NO_COUNTRY = {"null", "none", "unknown", "n/a"}
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def name_key(name: str) -> str:
    """How role fields, actor names and aliases compare: case-folded, whitespace collapsed."""
    return " ".join(name.casefold().split())


@lru_cache(maxsize=65536)
def fold_key(name: str) -> str:
    """How the gold spec compares names, and the gazetteer looks them up: NFKC, case-fold, no
    diacritics, punctuation as spaces ("Kim Jong-un" = "kim jong un", "Franța" = "franta")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", text).split())


@lru_cache(maxsize=4096)
def country_for_name(name: str) -> str | None:
    """ISO alpha-3 for a country name, ISO code, capital metonym or local spelling; None if the
    name is no country (the normaliser, the same-party check and the country-actor repair ask)."""
    key = name_key(name)
    if not key or key in _NO_COUNTRY:
        return None
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    try:
        return pycountry.countries.lookup(name.strip()).alpha_3  # names, alpha-2, alpha-3, numeric
    except LookupError:
        return None


def country_code(value: object) -> object:
    """The field validator: an ISO alpha-3 code, alpha-2 code or country name becomes alpha-3;
    empty or "unknown" becomes None; anything else is an error the model is asked to fix."""
    if value is None or not isinstance(value, str):
        return value
    if name_key(value) in {"", *_NO_COUNTRY}:
        return None
    code = country_for_name(value)
    if code is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-3 country code (e.g. RUS, PRK, UKR)")
    return code


def country_name(code: str) -> str:
    """The common English name stored for a country ("North Korea", not pycountry's formal one)."""
    if code in CANONICAL_COUNTRY_NAMES:
        return CANONICAL_COUNTRY_NAMES[code]
    country = pycountry.countries.get(alpha_3=code)
    return getattr(country, "common_name", None) or country.name if country else code


def iso_names(code: str) -> tuple[str, ...]:
    """pycountry's English names of a country: name, common and official name."""
    country = pycountry.countries.get(alpha_3=code)
    fields = ("name", "common_name", "official_name")
    return tuple(getattr(country, f) for f in fields if hasattr(country, f)) if country else ()


@cache
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale  # loaded on first use: babel's locale data is not needed to validate

    return dict(Locale(lang).territories)


def cldr_names(code: str) -> dict[str, str]:
    """The CLDR short name of a country in each of LANGUAGES that has one ("Ucraina", "乌克兰")."""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return {}
    return {lang: local for lang in LANGUAGES if (local := _territories(lang).get(country.alpha_2))}


@cache
def _catalogues() -> tuple:
    import gettext

    return tuple(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                 for lang in ISO_LANGUAGES)


@lru_cache(maxsize=512)
def country_names(code: str) -> tuple[str, ...]:
    """Every name sitrep knows for a country: aliases, pycountry's English names and their
    translations, and the CLDR names in every supported language (what the support check looks
    for in an article)."""
    names = [alias for alias, c in COUNTRY_ALIASES.items() if c == code]
    english = iso_names(code)
    names += [*english, *(t.gettext(n) for t in _catalogues() for n in english), *cldr_names(code).values()]
    return tuple(dict.fromkeys(names))
