"""schemas.names: one key and one set of sources for country names, used by the validators, the
normaliser, the support check and the gazetteer."""

import subprocess
import sys

import pytest

from extract import lexicon
from extract.support import is_supported
from schemas.fields import Location
from schemas.names import country_code, country_for_name, country_name, country_names, fold_key, name_key
from schemas.records import Actor

# A name of a country in each language the project supports, as an article writes it.
LOCAL_NAMES = [
    ("en", "Ukraine", "UKR"), ("fr", "Allemagne", "DEU"), ("ro", "Ucraina", "UKR"), ("de", "Deutschland", "DEU"),
    ("es", "Ucrania", "UKR"), ("ru", "Украина", "UKR"), ("uk", "Україна", "UKR"), ("ar", "أوكرانيا", "UKR"),
    ("zh", "乌克兰", "UKR"), ("pl", "Niemcy", "DEU"),
]


@pytest.mark.parametrize(("lang", "name", "code"), LOCAL_NAMES)
def test_every_supported_language_names_its_countries(lang: str, name: str, code: str) -> None:
    """The support check and the gazetteer read the same names: the country's list holds the local
    name, and the gazetteer resolves it (with and without the language hint)."""
    assert name in country_names(code)
    assert lexicon.actor(name).country == code
    assert lexicon.actor(name, lang=lang).country == code


@pytest.mark.parametrize(("lang", "name", "code"), LOCAL_NAMES)
def test_a_state_named_only_in_the_local_language_is_supported(lang: str, name: str, code: str) -> None:
    """An English-named state whose quote is not in the article is kept when the article names it
    in its own language (the quote was paraphrased, the country was not)."""
    state = Actor(name=country_name(code), kind="state", country=code, evidence=["a quote the article lacks"])
    assert is_supported(state, f"… {name} …")
    assert not is_supported(state, "… Finlande …")


def test_official_names_come_from_pycountry_translations() -> None:
    """CLDR has short names only; the ISO catalogues add the formal and common forms articles use."""
    assert {"Российская Федерация", "Federația Rusă"} <= set(country_names("RUS"))
    assert "Северная Корея" in country_names("PRK")


@pytest.mark.parametrize(("value", "code"), [
    ("RUS", "RUS"), ("ru", "RUS"), ("Russian Federation", "RUS"), ("Moscova", "RUS"), ("  kremlin ", "RUS"),
    ("North  Korea", "PRK"), ("Armenia", "ARM"), ("643", "RUS"),
])
def test_validator_and_normaliser_share_one_key(value: str, code: str) -> None:
    """The validator's country_code and the normaliser's country_for_name resolve a name the same
    way, whitespace and case included ("North  Korea" failed validation and passed normalisation)."""
    assert country_code(value) == code
    assert country_for_name(value) == code
    assert Location(country=value).country == code


@pytest.mark.parametrize("value", ["", "unknown", "N/A", "null"])
def test_no_country_is_none(value: str) -> None:
    assert country_code(value) is None
    assert country_for_name(value) is None


def test_an_unknown_country_is_an_error_for_the_validator_only() -> None:
    with pytest.raises(ValueError, match="not an ISO 3166-1 alpha-3"):
        country_code("IRI")
    assert country_for_name("IRI") is None
    assert country_for_name("Wagner") is None


def test_canonical_names_are_short_english() -> None:
    assert [country_name(c) for c in ("PRK", "RUS", "ARM", "XYZ")] == ["North Korea", "Russia", "Armenia", "XYZ"]


def test_name_key_folds_case_and_whitespace() -> None:
    assert name_key("  Kim   Jong UN ") == name_key("kim jong un") == "kim jong un"


def test_importing_the_schemas_loads_no_name_tables() -> None:
    """babel's locale data and the gettext catalogues load on first use: `sitrep --help` and the
    validators do not pay for them."""
    code = "import sys, schemas, schemas.names; print('babel' in sys.modules, 'gettext' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize(("name", "key"), [
    ("Kim Jong-un", "kim jong un"), ("Franța", "franta"), ("ＵＳＡ", "usa"), ("Côte d’Ivoire", "cote d ivoire"),
    ("  Coreea   de Nord! ", "coreea de nord"), ("Україна", "украіна"),
])
def test_fold_key_is_the_spec_rule(name: str, key: str) -> None:
    assert fold_key(name) == key


def test_the_gazetteer_and_the_eval_fold_names_with_one_function() -> None:
    from evals.names import norm

    assert lexicon.key is fold_key and norm is fold_key
