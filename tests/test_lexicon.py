"""Gazetteer and weapons-lexicon lookups across languages and scripts."""

import pytest

from extract import lexicon
from schemas import ActorKind, Category


@pytest.mark.parametrize(("written", "lang", "name", "code"), [
    ("Phenian", "ro", "North Korea", "PRK"), ("Pyongyang", None, "North Korea", "PRK"),
    ("Moscova", "ro", "Russia", "RUS"), ("Kremlin", None, "Russia", "RUS"), ("Кремль", "ru", "Russia", "RUS"),
    ("Washington", None, "United States", "USA"), ("Seoul", None, "South Korea", "KOR"),
    ("Kyiv", None, "Ukraine", "UKR"), ("Kiev", None, "Ukraine", "UKR"), ("Київ", "uk", "Ukraine", "UKR"),
    ("Pékin", "fr", "China", "CHN"), ("Beijing", None, "China", "CHN"), ("Tehran", None, "Iran", "IRN"),
    ("l'Arménie", "fr", "Armenia", "ARM"), ("Германия", "ru", "Germany", "DEU"), ("ألمانيا", "ar", "Germany", "DEU"),
    ("中国", "zh", "China", "CHN"), ("Statele Unite ale Americii", "ro", "United States", "USA"),
    ("Russia's", "en", "Russia", "RUS"), ("Deutschland", "de", "Germany", "DEU"),
])
def test_states_in_many_languages(written, lang, name, code):
    entry = lexicon.actor(written, lang)
    assert entry is not None, written
    assert (entry.name, entry.kind, entry.country) == (name, "state", code)


@pytest.mark.parametrize(("written", "name", "kind"), [
    ("OTAN", "NATO", "international_org"), ("НАТО", "NATO", "international_org"),
    ("UE", "European Union", "international_org"), ("EU", "European Union", "international_org"),
    ("ONU", "United Nations", "international_org"), ("ООН", "United Nations", "international_org"),
    ("Africa Corps", "Wagner Group", "armed_group"), ("Ansar Allah", "Houthis", "armed_group"),
    ("Hezbollah", "Hezbollah", "armed_group"), ("Hamas", "Hamas", "armed_group"),
    ("Nexter", "KNDS", "company"), ("Raytheon", "RTX", "company"), ("Rosoboronexport", "Rosoboronexport", "company"),
    ("Hanwha", "Hanwha Aerospace", "company"), ("Lockheed Martin", "Lockheed Martin", "company"),
    ("IRGC", "Islamic Revolutionary Guard Corps", "armed_forces"),
])
def test_organisations_groups_companies(written, name, kind):
    entry = lexicon.actor(written)
    assert entry is not None and (entry.name, entry.kind) == (name, kind)
    assert entry.kind in set(ActorKind)


def test_unknown_names_and_media_are_not_actors():
    assert lexicon.actor("Reuters") is None
    assert lexicon.actor("Jean Dupont") is None
    assert lexicon.key("Reuters") in lexicon.not_parties()


def test_aliases_are_unique_and_exclude_the_name():
    entry = lexicon.actor("Russia")
    keys = [lexicon.key(a) for a in entry.aliases]
    assert len(keys) == len(set(keys)) and lexicon.key(entry.name) not in keys


def test_demonyms_resolve_to_states():
    assert lexicon.demonyms()[lexicon.key("nord-coréens")].country == "PRK"
    assert lexicon.demonyms()[lexicon.key("российские")].country == "RUS"


@pytest.mark.parametrize(("written", "name", "category"), [
    ("KN-23", "Hwasong-11A", "missile"), ("KN23", "Hwasong-11A", "missile"), ("Hwasong-11A", "Hwasong-11A", "missile"),
    ("Geran-2", "Shahed-136", "drone"), ("Герань-2", "Shahed-136", "drone"), ("Krab", "Krab", "artillery"),
    ("CAESAR", "CAESAR", "artillery"), ("36 canons automoteurs Caesar", "CAESAR", "artillery"),
    ("IRIS-T SLM", "IRIS-T SLM", "air_defence"), ("Patriot", "Patriot", "air_defence"),
    ("HIMARS", "HIMARS", "artillery"), ("Leopard 2A6", "Leopard 2", "armoured_vehicle"),
    ("Abrams", "M1 Abrams", "armoured_vehicle"), ("F-16", "F-16", "aircraft"), ("Su-35", "Su-35", "aircraft"),
    ("K2", "K2 Black Panther", "armoured_vehicle"), ("K9 self-propelled howitzers", "K9 Thunder", "artillery"),
    ("SCALP", "Storm Shadow", "missile"), ("ATACMS", "ATACMS", "missile"),
    ("Bayraktar TB2 drones", "Bayraktar TB2", "drone"), ("Iskander", "Iskander-M", "missile"),
    ("152 mm shells", "artillery shells", "ammunition"), ("снаряды", "artillery shells", "ammunition"),
])
def test_weapons_canonical_name_and_category(written, name, category):
    entry = lexicon.weapon(written)
    assert entry is not None, written
    assert (entry.name, entry.category) == (name, category)
    assert entry.category in set(Category)


def test_soldiers_are_not_weapons():
    assert lexicon.weapon("soldiers") is None
    assert lexicon.weapon("North Korean troops") is None


def test_every_weapon_category_is_a_spec_category():
    assert {w.category for w in lexicon.weapons()} <= set(Category)
