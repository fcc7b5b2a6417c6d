"""Deterministic actor mentions: gazetteer hits with offsets, persons near titles."""

from extract.mentions import find_actors, find_persons


def _names(cands):
    return [c.name for c in cands]


def test_mentions_carry_offsets_into_the_text():
    text = "Phenian a trimis obuze Moscovei, iar Kremlinul a negat."
    found = find_actors(text, "ro")
    assert _names(found) == ["North Korea", "Russia"]
    for cand in found:
        for m in cand.mentions:
            assert text[m.start:m.end] == m.surface
    assert {m.surface for m in found[1].mentions} == {"Moscovei", "Kremlinul"}


def test_scripts_and_inflections():
    assert _names(find_actors("据报道，朝鲜向俄罗斯提供了导弹。", "zh")) == ["North Korea", "Russia"]
    assert _names(find_actors("وقالت موسكو إن روسيا لم تتلق صواريخ من إيران", "ar")) == ["Russia", "Iran"]
    assert _names(find_actors("Киев заявил, что КНДР поставляет снаряды; Германии.", "ru")) == [
        "Ukraine", "North Korea", "Germany"]


def test_short_upper_case_aliases_only_as_written():
    assert _names(find_actors("Il y a un accord avec l'OTAN et l'UE.", "fr")) == ["NATO", "European Union"]
    assert "United Nations" not in _names(find_actors("C'est un navire.", "fr"))
    assert "United Nations" in _names(find_actors("The UN said so.", "en"))


def test_foreign_cldr_names_do_not_match_words():
    assert "Réunion" not in _names(find_actors("Tras la Reunión del consejo, España habló.", "es"))


def test_persons_need_a_title_or_a_second_mention():
    text = ("Ministrul Ionel Vâlcescu a vorbit cu Mihai Dobrescu. Hurricane Milton hit. "
            "Dobrescu a spus că ajutorul continuă.")
    people = find_persons(text, True, "ro")
    assert _names(people) == ["Ionel Vâlcescu", "Mihai Dobrescu"]
    assert "Dobrescu" in [m.surface for m in people[1].mentions]
    assert "Hurricane Milton" in _names(find_persons(text, False, "ro"))


def test_title_then_surname_alone():
    people = find_persons("Polish defence minister Kowalczyk arrived in Pyongyang.", True, "en")
    assert _names(people) == ["Kowalczyk"]


def test_german_nouns_are_not_people():
    text = "Bei der Artillerie sagte Verteidigungsminister Hans Müller, Jedes System zähle."
    assert _names(find_persons(text, True, "de")) == ["Hans Müller"]


def test_known_people_in_any_script_get_their_english_name():
    assert _names(find_actors("Путин встретился с Ким Чен Ыном? Нет: Путин и Си.", "ru"))[:1] == ["Vladimir Putin"]
    assert _names(find_actors("习近平会见普京。", "zh")) == ["Xi Jinping", "Vladimir Putin"]
