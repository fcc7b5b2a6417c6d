"""Entity resolution across documents: spellings, scripts, ISO codes, lexicon, and the stored rule."""

from extract.entities import Mention, resolve, skeleton


def actor(doc: str, idx: int, name: str, kind: str, country: str | None = None, aliases=(), lang="en") -> Mention:
    return Mention(f"run-{doc}", doc, "actors", idx, "actor", 0, name, kind, country, tuple(aliases), lang)


def role(doc: str, idx: int, role_name: str, name: str) -> Mention:
    return Mention(f"run-{doc}", doc, "transfers", idx, role_name, 0, name)


def weapon(doc: str, idx: int, name: str, category: str = "missile") -> Mention:
    return Mention(f"run-{doc}", doc, "transfers", idx, "weapon", 0, name, category=category)


def test_transliteration_variants_share_a_skeleton():
    assert {skeleton(n) for n in ["Zelensky", "Zelenskyy", "Zelenskiy", "Зеленський", "ZELENSKYI"]} == {"zelenski"}
    assert skeleton("Kim Jong-un") == skeleton("Kim Jong Un")
    assert skeleton("Zelensky") != skeleton("Zelenko")


def test_one_person_across_spellings_scripts_and_a_surname():
    """A person the gazetteer does not know: transliteration and the surname rule alone."""
    mentions = [actor("d1", 0, "Taras Kovalskyi", "person", "UKR"), actor("d2", 0, "Kovalsky", "person", "UKR"),
                actor("d3", 0, "Taras Kovalskiy", "person"),
                actor("d4", 0, "Тарас Ковальський", "person", "UKR", lang="uk")]
    found = resolve(mentions, [], [])
    assert len(found) == 1
    person = next(iter(found.values()))
    assert person.name == "Taras Kovalskyi" and person.country == "UKR" and person.kind == "person"
    assert {m.rule for m in mentions} == {"person-translit", "person-surname"}
    surname = next(m for m in mentions if m.surface == "Kovalsky")
    assert surname.rule == "person-surname" and "surname" in surname.detail


def test_gazetteer_persons_meet_transliterated_spellings():
    mentions = [actor("d1", 0, "Путин", "person", lang="ru"), actor("d2", 0, "Vladimir Putin", "person", "RUS"),
                actor("d3", 0, "Volodymyr Zelenskyy", "person", "UKR"), actor("d4", 0, "Zelenskiy", "person"),
                actor("d5", 0, "Зеленський", "person", lang="uk")]
    found = resolve(mentions, [], [])
    people = sorted((e.name, e.country, len({m.doc_id for m in e.mentions})) for e in found.values())
    assert people == [("Vladimir Putin", "RUS", 2), ("Volodymyr Zelensky", "UKR", 3)]
    assert "gazetteer" in {m.rule for m in mentions}


def test_same_name_different_countries_are_two_people():
    mentions = [actor("d1", 0, "John Smith", "person", "USA"), actor("d2", 0, "John Smith", "person", "GBR"),
                actor("d3", 0, "John Smith", "person")]
    found = resolve(mentions, [], [])
    assert sorted(e.country for e in found.values()) == ["GBR", "USA"]
    assert mentions[2].key == mentions[0].key  # no country: the most frequent (first seen on a tie)


def test_states_by_iso_code_in_any_language():
    mentions = [actor("d1", 0, "Russia", "state", "RUS"), actor("d2", 0, "Moscova", "state", lang="ro"),
                actor("d3", 0, "Росія", "state", lang="uk"), actor("d4", 0, "Phenian", "state", lang="ro")]
    found = resolve(mentions, [], [])
    assert set(found) == {"state:RUS", "state:PRK"}
    assert found["state:RUS"].name == "Russia" and found["state:RUS"].row()[7:] == (3, 3)
    assert sorted(found["state:RUS"].row()[5]) == ["Moscova", "Russia", "Росія"]
    assert all(m.rule == "iso-country" for m in mentions)
    assert found["state:PRK"].name == "North Korea"


def test_gazetteer_organisations_and_shared_aliases():
    mentions = [actor("d1", 0, "PMC Wagner", "armed_group"), actor("d2", 0, "Wagner Group", "company"),
                actor("d3", 0, "Northern Shield Brigade", "armed_group", aliases=["NSB"]),
                actor("d4", 0, "NSB", "armed_group")]
    found = resolve(mentions, [], [])
    wagner = {m.key for m in mentions[:2]}
    assert len(wagner) == 1 and found[wagner.pop()].name == "Wagner Group"
    assert mentions[2].key == mentions[3].key
    assert "shared-alias" in {mentions[2].rule, mentions[3].rule}
    assert found[mentions[2].key].name == "Northern Shield Brigade"


def test_roles_follow_their_actor_and_weapons_follow_the_lexicon():
    actors = [actor("d1", 0, "North Korea", "state", "PRK", aliases=["Pyongyang"]), actor("d1", 1, "Russia", "state")]
    roles = [role("d1", 0, "supplier", "Pyongyang"), role("d1", 0, "recipient", "Russia"),
             role("d2", 0, "supplier", "Unknown Militia")]
    weapons = [weapon("d1", 0, "KN-23"), weapon("d2", 0, "Hwasong-11A"), weapon("d3", 0, "Foo-9 Launcher", "other"),
               weapon("d4", 0, "foo-9  launcher", "other")]
    found = resolve(actors, roles, weapons)
    assert roles[0].key == "state:PRK" and roles[0].rule == "role→actor"
    assert roles[2].rule == "normalised-name" and found[roles[2].key].kind == "other"
    assert weapons[0].key == weapons[1].key == "weapon:hwasong-11a"
    assert found["weapon:hwasong-11a"].name == "Hwasong-11A" and found["weapon:hwasong-11a"].category == "missile"
    assert weapons[2].key == weapons[3].key and weapons[2].rule == "weapon-name"
