"""Actors the article never mentions are dropped, with the records that need them, and named."""

import json

from extract.load import document_from_text
from extract.pipeline import Options, extract_document
from extract.providers import make_provider
from extract.support import drop_unsupported
from schemas import Extraction

TEXT = ("Warszawa, 12 martie 2024. Phenianul a livrat obuze Moscovei, potrivit serviciilor sud-coreene. "
        "Președintele Erdoğan nu a comentat.")


def _actor(name: str, evidence: str, kind: str = "state", **extra: object) -> dict:
    return {"name": name, "kind": kind, "evidence": [evidence], **extra}


def test_names_in_any_known_form_keep_an_actor():
    raw = Extraction.model_validate({"actors": [
        _actor("North Korea", "North Korea delivered shells", country="PRK"),  # quote invented, "Phenianul" is there
        _actor("Russia", "Phenianul a livrat obuze Moscovei"),  # quote found
        _actor("Recep Tayyip Erdogan", "Erdogan said", kind="person"),  # surname, diacritics folded
    ]})
    kept, notes = drop_unsupported(raw, TEXT)
    assert [a.name for a in kept.actors] == ["North Korea", "Russia", "Recep Tayyip Erdogan"]
    assert notes == []


def test_an_absent_actor_and_its_records_are_dropped_and_named():
    raw = Extraction.model_validate({
        "actors": [_actor("Russia", "Moscovei"), _actor("Andrzej Duda", "Duda spoke by phone", kind="person"),
                   _actor("North Korea", "Phenianul a livrat")],
        "meetings": [{"evidence": ["Duda spoke by phone"], "participants": ["Andrzej Duda", "Russia"],
                      "certainty": "confirmed"}],
        "transfers": [{"evidence": ["Phenianul a livrat obuze Moscovei"], "supplier": "North Korea",
                       "recipient": "Russia", "weapon": {"name": "shells", "category": "ammunition"},
                       "certainty": "reported"}]})
    kept, notes = drop_unsupported(raw, TEXT)
    assert [a.name for a in kept.actors] == ["Russia", "North Korea"]
    assert kept.meetings == [] and len(kept.transfers) == 1
    assert notes == ["dropped actor 'Andrzej Duda': neither its name nor its evidence occurs in the article",
                     "dropped meetings[0]: names an actor not in the article: Andrzej Duda"]


def test_a_person_needs_their_name_in_the_text_not_just_a_found_quote():
    raw = Extraction.model_validate({"actors": [
        _actor("Recep Tayyip Erdogan", "Moscovei", kind="person"),  # found quote, but the name is absent
        _actor("Andrzej Duda", "Moscovei", kind="person"),
        _actor("Volodymyr Zelensky", "Zelenski", kind="person")]})
    kept, _ = drop_unsupported(raw, TEXT.replace("Erdoğan", "Zelenski"))
    assert [a.name for a in kept.actors] == ["Volodymyr Zelensky"]  # spelling variant, fuzzy >= 85


def test_a_short_name_inside_another_word_does_not_count():
    raw = Extraction.model_validate({"actors": [_actor("Iran", "Iran sent drones")]})
    kept, notes = drop_unsupported(raw, "Tirana hosted the summit of Balkan leaders.")
    assert kept.actors == [] and len(notes) == 1


def test_the_pipeline_stores_the_drop_as_a_partial_run(tmp_path):
    answer = {"actors": [_actor("Norway", "Norway will deliver"), _actor("Poland", "Poland received", country="POL")]}
    (tmp_path / "f.json").write_text(json.dumps({"match": ["Norway sends"], "responses": [json.dumps(answer)]}))
    doc = document_from_text("Norway sends NASAMS. Norway will deliver two launchers to Ukraine.")
    result = extract_document(doc, make_provider("replay", fixtures=tmp_path), None, Options(reask_ungrounded=False))
    assert result.status == "partial"
    assert [a.name for a in result.extraction.actors] == ["Norway"]
    assert "dropped actor 'Poland'" in result.error


def test_a_country_named_in_the_article_language_is_supported():
    """Found on the dev set: 'Armenia' and 'India' were dropped from a French article."""
    raw = Extraction.model_validate({"actors": [_actor("Armenia", "Armenia bought", country="ARM"),
                                                _actor("India", "India sold"),  # no code given: found from the name
                                                _actor("Belgium", "Belgium sent", country="BEL")]})
    text = "L'Arménie a commandé des canons CAESAR ; l'Inde livre aussi des systèmes Pinaka à Erevan."
    kept, notes = drop_unsupported(raw, text)
    assert [a.name for a in kept.actors] == ["Armenia", "India"]
    assert notes == ["dropped actor 'Belgium': neither its name nor its evidence occurs in the article"]


def test_a_chinese_name_is_found_inside_unspaced_text():
    text = "国家主席习近平5月16日在北京同俄罗斯总统普京举行会谈。"
    raw = Extraction.model_validate({"actors": [
        _actor("Xi Jinping", text, kind="person", aliases=["习近平"]),
        _actor("Vladimir Putin", text, kind="person", aliases=["普京"]),
        _actor("Antony Blinken", text, kind="person", aliases=["布林肯"]),  # not in this text
    ]})
    kept, notes = drop_unsupported(raw, text)
    assert [a.name for a in kept.actors] == ["Xi Jinping", "Vladimir Putin"]
    assert len(notes) == 1 and "Antony Blinken" in notes[0]
