"""Transfers asked per named system (extract/slots.py): the answer's keys are the systems the
passage's transfer sentences name, each filled with its parties or null; the replay backend stands
in for the model with answers written here."""

import json

import pytest
from pydantic import ValidationError

from extract import slots, small, windows
from extract.load import document_from_text
from extract.pipeline import Options, extract_document
from extract.providers import make_provider

ARTICLE = ("Jakarta, 12 June 2025\n\n"
           "Indonesia has signed a contract to buy 48 KAAN fighters from Turkey, the ministry said. "
           "The air force is still waiting for the Rafale jets it ordered from France in 2022. "
           "The old Hawk 209 fleet flew its last sortie in 2024.\n")
EMPTY = {"meetings": [], "deployments": []}


def _questions(text: str):
    names = small.candidates(text, "en")
    sents = windows.sentences(text)
    return small.questions("transfers", windows.windows(sents, "transfers"), sents, names), names


def _slot(supplier: str, recipient: str, status: str = "agreed") -> dict:
    return {"supplier": supplier, "recipient": recipient, "quantity": None, "status": status,
            "certainty": "confirmed"}


def test_the_keys_are_the_systems_of_the_transfer_sentences_in_order():
    asked, _ = _questions(ARTICLE)
    assert len(asked) == 1
    task, model, group = asked[0]
    assert [entry.name for entry, _ in group] == ["KAAN", "Rafale"]  # the Hawk is named in no transfer sentence
    keys = list(model.model_json_schema(by_alias=True)["properties"])
    assert keys == ["KAAN", "Rafale", "other"]
    assert "null" in task and "other" in task


def test_a_slot_takes_only_the_documents_parties_or_null():
    (_, model, group), = _questions(ARTICLE)[0]
    model.model_validate({"KAAN": _slot("Turkey", "Indonesia"), "Rafale": None})
    with pytest.raises(ValidationError):
        model.model_validate({"KAAN": _slot("Atlantis", "Indonesia"), "Rafale": None})
    with pytest.raises(ValidationError):  # every system must be answered, if only with null
        model.model_validate({"KAAN": _slot("Turkey", "Indonesia")})


def test_a_cached_answer_reads_back():
    """The answer cache stores model_dump_json (w0, w1 …); the model writes the systems' names."""
    (_, model, group), = _questions(ARTICLE)[0]
    answer = model.model_validate({"KAAN": _slot("Turkey", "Indonesia"), "Rafale": None})
    again = model.model_validate_json(answer.model_dump_json())
    assert slots.stated(again, group) == slots.stated(answer, group)


def test_filled_slots_become_transfers_with_the_systems_sentence_and_category():
    (_, model, group), = _questions(ARTICLE)[0]
    other = {"sentence": 2, "supplier": "France", "recipient": "Indonesia", "weapon": "spare parts",
             "category": "other", "quantity": None, "status": "agreed", "certainty": "confirmed"}
    answer = model.model_validate({"KAAN": _slot("Turkey", "Indonesia"), "Rafale": None, "other": [other]})
    stated = slots.stated(answer, group)
    assert [(s.weapon, s.category.value, s.sentence) for s in stated[:1]] == [("KAAN", "aircraft", group[0][1])]
    assert len(stated) == 2 and stated[1].weapon == "spare parts"  # null gives nothing, the free list follows


def test_slot_answers_go_through_the_record_rules(tmp_path):
    """The model swaps the buyer and the seller of the KAAN and fills the Rafale slot: the buying verb
    with "from" turns the first, the second stands, each with its own sentence as evidence."""
    answer = {"KAAN": _slot("Indonesia", "Turkey"), "Rafale": _slot("France", "Indonesia", "delivering"), "other": []}
    responses = [json.dumps(a) for a in (answer, EMPTY, EMPTY)]
    (tmp_path / "f.json").write_text(json.dumps({"match": ["48 KAAN"], "responses": responses}))
    result = extract_document(document_from_text(ARTICLE), make_provider("replay", fixtures=tmp_path), None,
                              Options(passes="small"))
    assert result.status == "ok", result.error
    got = {(t.supplier, t.recipient, t.weapon.name): t for t in result.extraction.transfers}
    assert set(got) == {("Turkey", "Indonesia", "KAAN"), ("France", "Indonesia", "Rafale")}
    assert got[("France", "Indonesia", "Rafale")].evidence[0].startswith("The air force is still waiting")
    assert got[("France", "Indonesia", "Rafale")].status == "delivering"


def test_the_list_question_stays_for_passages_without_a_known_system(monkeypatch):
    text = "Kyiv, 2 May 2025\n\nPoland will send interceptor drones to Ukraine, the minister said."
    (task, model, group), = _questions(text)[0]
    assert group == [] and "transfers" in model.model_fields
    monkeypatch.setenv("SITREP_SMALL_ABLATE", "slots")
    (task, model, group), = _questions(ARTICLE)[0]
    assert group == [] and "transfers" in model.model_fields


def test_a_long_list_of_systems_is_split_over_several_questions():
    systems = ["Patriot", "IRIS-T SLM", "NASAMS", "Gepard", "Leopard 2", "Marder", "PzH 2000", "CAESAR",
               "HIMARS", "Stinger"]
    text = f"Berlin, 2 May 2025\n\nGermany delivered {', '.join(systems)} to Ukraine this year."
    asked, _ = _questions(text)
    assert [len(group) for _, _, group in asked] == [slots.MAX_SLOTS, len(systems) - slots.MAX_SLOTS]
