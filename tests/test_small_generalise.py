"""Session-6 rules of the small-model strategy, on crafted sentences (no model): a state never
receives the systems its own industry builds, a sentence naming a system's maker and one other state
is their transfer, generic goods with a plain "from A to B" route are a transfer, a meeting sentence
that opens with its verb takes its subject from the sentence before, persons behind "al-" particles,
appositive titles and "counterpart", actors named once in passing are not listed, and the answer caps
per event type."""

import json

from extract import lexicon, meeting_finder, origin, small, transfer_finder, windows
from extract.small_records import build

EMPTY = {"transfers": [], "meetings": [], "deployments": []}


def _found(text: str, lang: str = "en") -> list[tuple[str, str, str]]:
    names = small.candidates(text, lang)
    return [(s, r, w.name) for s, r, w, _ in transfer_finder.find([], names, windows.sentences(text))]


def test_every_lexicon_origin_is_a_state_code():
    for entry in lexicon.weapons():
        if entry.origin is not None:
            assert lexicon.state(entry.origin) is not None, entry


def test_the_maker_is_never_the_recipient():
    text = "Serbia and China held an air-defence exercise. The FK-3 batteries were shown in Belgrade."
    names = small.candidates(text, "en")
    fk3, mig21 = lexicon.weapon("FK-3"), lexicon.weapon("MiG-21")
    assert origin.turned("Serbia", "China", fk3, names) == ("China", "Serbia")
    assert origin.turned("China", "Serbia", fk3, names) == ("China", "Serbia")
    # no origin (a Soviet-era design built in several states): left as the model said
    assert origin.turned("Serbia", "Russia", mig21, names) == ("Serbia", "Russia")


def test_a_sentence_naming_the_maker_by_adjective_and_a_buyer_is_their_transfer():
    text = "Bangkok, 3 March 2025\n\nThailand took delivery of its first Chinese-made HQ-22 battery last week."
    assert _found(text) == [("China", "Thailand", "HQ-22")]


def test_a_re_export_keeps_the_state_that_hands_it_over():
    text = "Copenhagen, 2 May 2024\n\nDenmark delivered six US-made F-16 jets to Argentina on Monday."
    assert _found(text) == [("Denmark", "Argentina", "F-16")]


def test_a_place_after_from_or_in_is_not_the_buyer():
    text = ("Seoul, 4 November 2024\n\nThe transfer of KN-23 missiles by Pyongyang continued, to support the "
            "Russian forces in Ukraine.")
    assert _found(text) == [("North Korea", "Russia", "Hwasong-11A")]


def test_generic_goods_with_a_plain_route_are_a_transfer():
    text = ("Tokyo, 5 October 2024\n\nSatellite images show trains loaded with ammunition crossing from North "
            "Korea to Russia. Artillery shells hit Kharkiv overnight.")
    found = _found(text)
    assert [(s, r) for s, r, _ in found] == [("North Korea", "Russia")]
    assert lexicon.weapon(found[0][2]).category == "ammunition"


def test_a_meeting_sentence_opening_with_its_verb_takes_the_subject_before_it():
    text = ("Vladivostok, 13 septembrie 2023\n\nÎn septembrie 2023, Kim Jong Un a sosit la cosmodromul Vostocinîi. "
            "S-a întâlnit timp de patru ore cu președintele rus, Vladimir Putin.")
    names = small.candidates(text, "ro")
    sents = windows.sentences(text)
    assert [p for p, _ in meeting_finder.find(names, sents)] == [["Kim Jong Un", "Vladimir Putin"]]
    assert meeting_finder.subjectless("Se reunió con el presidente.") and not meeting_finder.subjectless(
        "Kim Jong Un met Putin.")


def test_two_dated_meetings_of_one_pair_stay_two():
    text = ("Moscow, 2 November 2024\n\nKim Jong Un and Vladimir Putin met in Pyongyang in June 2024. "
            "In September 2023, Kim Jong Un travelled to Russia. S-a întâlnit cu Vladimir Putin la Vostocinîi.")
    names = small.candidates(text, "en")
    extraction = build(EMPTY, names, windows.sentences(text), text, [], lexicon_on=True, roles_on=True,
                       published="2024-11-02")
    dated = sorted(m.when.start for m in extraction.meetings if m.when is not None and m.when.start)
    assert dated == ["2023-09", "2024-06"]


def test_persons_behind_particles_appositive_titles_and_counterparts():
    de = ("Kairo, 10. April 2023\n\nDas sei falsch, erklärte der Sprecher des Außenministeriums in Kairo, "
          "Ahmed Abu Zeid, am Montag.")
    assert "Ahmed Abu Zeid" in {c.name for c in small.candidates(de, "de").people}
    en = "Tokyo, 29 April 2024\n\nMinoru Kihara hosted his Philippine counterpart, Gilberto Teodoro, in Tokyo."
    assert {"Minoru Kihara", "Gilberto Teodoro"} <= {c.name for c in small.candidates(en, "en").people}
    ar_name = "Cairo, 1 May 2024\n\nPresident Abdel Fattah al-Sisi received the delegation."
    people = [c.name for c in small.candidates(ar_name, "en").people if c.kind == "person"]
    assert people == ["Abdel Fattah el-Sisi"]  # one person, the gazetteer's, not also a cut "Abdel Fattah"


def test_a_state_named_once_in_passing_is_not_an_actor():
    text = ("Vilnius, 1 June 2024\n\nLithuania ordered Leopard 2A8 tanks from Germany. "
            "The weather in Sweden was mild that week.")
    extraction = build(EMPTY, small.candidates(text, "en"), windows.sentences(text), text, [],
                       lexicon_on=True, roles_on=True)
    listed = {a.name for a in extraction.actors}
    assert {"Lithuania", "Germany"} <= listed and "Sweden" not in listed


def test_answer_caps_per_event_type(monkeypatch):
    text = "Kyiv, 1 June 2024\n\nJoe Biden met Emmanuel Macron. Ukraine received Patriot from Germany."
    names = small.candidates(text, "en")

    def cap(kind: str) -> int:
        schema = small.response_model(kind, [1, 2], names).model_json_schema()
        return schema["properties"][kind]["maxItems"]

    assert (cap("meetings"), cap("transfers")) == (3, 12)
    place = json.dumps(small.response_model("meetings", [1], names).model_json_schema())
    assert '"maxLength": 60' in place
    monkeypatch.setenv("SITREP_SMALL_ABLATE", "caps")
    assert cap("meetings") == 12


def test_each_coordinated_clause_keeps_its_own_parties():
    text = ("Jakarta, 12 June 2025\n\nThe navy received two patrol vessels bought from Italy's Fincantieri, and "
            "Turkey has delivered Atmaca missiles for Indonesian warships.")
    assert [(s, r, w) for s, r, w in _found(text) if w == "Atmaca"] == [("Turkey", "Indonesia", "Atmaca")]
    # a clause with only a pronoun for its buyer is read with the clause before it
    text = ("Islamabad, 3 May 2025\n\nPakistan remains the largest buyer of Chinese weapons, and it has taken "
            "delivery of J-10C fighters.")
    assert _found(text) == [("China", "Pakistan", "J-10")]


def test_a_bullet_item_cut_at_a_semicolon_does_not_end_its_list():
    from extract.weapon_lists import list_members

    text = ("Athens, 3 March 2025\n\nThe two leaders reviewed the programmes:\n- FDI frigates: four ordered; the "
            "first is at sea;\n- Aster 30 and Exocet missiles for them;\n- Rafale jets: all delivered.\n"
            "The talks ended.")
    sents = windows.sentences(text)
    header = next(s.index for s in sents if s.text.endswith(":"))
    with_text = [s.text for s in list_members(sents, header, text)]
    assert with_text[-1].startswith("- Rafale") and any(t.startswith("the first") for t in with_text)
    assert len(list_members(sents, header)) == 1  # read without the text, the cut item ends the list
