"""Meeting and person rules of the small-model strategy that need no model: a sentence that says
named persons met is a meeting, names that are places or documents are no persons, and a byline's
author is no actor."""

from extract import meeting_finder, mentions, small, windows
from extract.small_records import build


def test_a_sentence_saying_two_persons_met_is_a_meeting():
    text = ("Berlin, 13 June 2024\n\nAm Rande der Sitzung kamen Verteidigungsminister Boris Pistorius und "
            "Rustem Umerov zu einem bilateralen Gespräch zusammen. Boris Pistorius signed a budget with Olaf Scholz.")
    names = small.candidates(text, "de")
    found = meeting_finder.find(names, windows.sentences(text))
    assert [people for people, _ in found] == [["Boris Pistorius", "Rustem Umerov"]]  # signing is no meeting


def test_finder_meetings_join_the_models_without_repeating_them():
    text = ("Washington, 15 November 2023\n\nUS President Joe Biden met Chinese President Xi Jinping in Woodside. "
            "Biden and Xi held talks for four hours, the White House said.")
    names = small.candidates(text, "en")
    sents = windows.sentences(text)
    item = type("M", (), {"participants": ["Joe Biden", "Xi Jinping"], "sentence": 1, "place": None,
                          "format": "bilateral", "certainty": "confirmed"})()
    extraction = build({"transfers": [], "meetings": [item], "deployments": []}, names, sents, text, [],
                       lexicon_on=True, roles_on=True)
    assert [sorted(m.participants) for m in extraction.meetings] == [["Joe Biden", "Xi Jinping"]]


def test_places_events_and_documents_are_not_persons():
    assert mentions.not_a_person("Hurricane Milton") and mentions.not_a_person("Vostochny Cosmodrome")
    assert mentions.not_a_person("Comprehensive Strategic Partnership Treaty")
    assert not mentions.not_a_person("Lloyd Austin") and not mentions.not_a_person("Mette Frederiksen")


def test_a_bylines_author_is_no_actor():
    text = ("Автор: Ирина Белова\n\nПресс-секретарь Кремля Дмитрий Песков заявил, что Ирина Белова не права. "
            "Ирина Белова ответила.")
    cands = {c.name: c for c in mentions.find_persons(text, False, "ru")}
    assert "Ирина Белова" in cands and not mentions.byline_only(cands["Ирина Белова"], text)
    only = "Автор: Ирина Белова\n\nПресс-секретарь Кремля Дмитрий Песков заявил журналистам, что это фейк."
    cand = next(c for c in mentions.find_persons(only, False, "ru") if c.name == "Ирина Белова")
    assert mentions.byline_only(cand, only)


def test_a_deployment_needs_both_parties_near_its_sentence():
    text = ("Seoul, 13 November 2024\n\nMore than 10,000 North Korean soldiers are now deployed in Russia. "
            "All rights reserved. Reproduction is forbidden without permission from the editors.")
    names = small.candidates(text, "en")
    sents = windows.sentences(text)
    answer = small.response_model("deployments", [s.index for s in sents], names)

    def deployments(sentence: int) -> list:
        item = {"sentence": sentence, "sender": "North Korea", "host": "Russia", "forces": "North Korean soldiers",
                "size": None, "certainty": "reported"}
        items = answer.model_validate({"deployments": [item]}).deployments
        return build({"transfers": [], "meetings": [], "deployments": items}, names, sents, text, [],
                     lexicon_on=True, roles_on=True).deployments

    assert [(d.sender, d.host) for d in deployments(1)] == [("North Korea", "Russia")]
    # "Reproduction is forbidden …" names neither party: the model's record goes; the one the finder reads
    # from the sentence that states it (extract/deployment_finder.py) stays, with that sentence as evidence
    assert [d.evidence for d in deployments(3)] == [[sents[1].text]]


def test_persons_by_surname_or_by_title_and_nationality():
    text = ("Kyiv, 2 December 2024\n\nUS Defence Secretary Lloyd Austin arrived in Kyiv. On Sunday, Austin spoke by "
            "phone with Rustem Umerov.")
    names = small.candidates(text, "en")
    found = [sorted(p) for p, _ in meeting_finder.find(names, windows.sentences(text))]
    assert found == [["Lloyd Austin", "Rustem Umerov"]]  # "Austin" alone, a gazetteer person
    text = ("Madrid, 27 de mayo de 2024\n\nEl presidente Volodímir Zelenski llegó a Madrid. Antes, el presidente "
            "ucraniano fue recibido por el rey Felipe VI en su primera visita oficial a España.")
    names = small.candidates(text, "es")
    found = [sorted(p) for p, _ in meeting_finder.find(names, windows.sentences(text))]
    assert found == [["Felipe VI", "Volodymyr Zelensky"]]  # "el presidente ucraniano": the one Ukrainian


def test_a_spokesman_reports_a_meeting_he_did_not_attend():
    text = ("Moscow, 5 November 2024\n\nPutin's spokesman Dmitry Peskov said the talks between Vladimir Putin and "
            "Kim Jong Un had been useful.")
    names = small.candidates(text, "en")
    assert [sorted(p) for p, _ in meeting_finder.find(names, windows.sentences(text))] == [
        ["Kim Jong Un", "Vladimir Putin"]]


def test_a_crowd_the_model_lists_is_cut_to_the_people_near_its_sentence():
    text = ("Washington, 3 December 2024\n\nJoe Biden and Donald Trump disagree about aid. Antony Blinken travels.\n"
            "Lloyd Austin met Rustem Umerov at Ramstein on Friday. They discussed air defence.")
    names = small.candidates(text, "en")
    sents = windows.sentences(text)
    assert meeting_finder.trimmed(["Joe Biden", "Donald Trump", "Lloyd Austin", "Rustem Umerov"], names, sents,
                                  3) == ["Lloyd Austin", "Rustem Umerov"]


def test_the_two_leaders_are_the_persons_of_this_sentence_and_the_last():
    text = ("Seoul, 5 November 2024\n\nIn June 2024 Vladimir Putin made his first visit to North Korea. "
            "On 19 June, after talks with Kim in Pyongyang, the two leaders signed a treaty.")
    names = small.candidates(text + " Kim Jong Un leads North Korea.", "en")
    found = meeting_finder.find(names, windows.sentences(text))
    assert [sorted(p) for p, _ in found] == [["Kim Jong Un", "Vladimir Putin"]]  # "Kim": a known family name


def test_a_pronoun_subject_is_the_person_of_the_sentence_before():
    text = ("Moscow, 14 September 2023\n\nKim Jong Un arrived at the Vostochny Cosmodrome by armoured train. "
            "On 13 September he and Vladimir Putin held talks for several hours.")
    found = [sorted(p) for p, _ in meeting_finder.find(small.candidates(text, "en"), windows.sentences(text))]
    assert found == [["Kim Jong Un", "Vladimir Putin"]]


def test_receiving_a_visitor_and_speaking_by_phone_are_meetings():
    for text, lang in [("Madrid, 2 April 2025\n\nEl miércoles, Gustavo Petro conversó por teléfono con el primer "
                        "ministro sueco, Ulf Kristersson.", "es"),
                       ("Moscow, 10 December 2024\n\nВ тот же день министра обороны Индии Раджнатха Сингха "
                        "принял в Кремле Владимир Путин.", "ru")]:
        names = small.candidates(text, lang)
        assert [len(p) for p, _ in meeting_finder.find(names, windows.sentences(text))] == [2], text
