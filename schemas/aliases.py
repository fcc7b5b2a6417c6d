"""Names that pycountry does not know: metonyms (capitals, seats of government) and local spellings.

Keys are case-folded. Extend here, not in code: the normaliser and the validators both read it.
"""

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
