"""The small-model strategy on crafted sentences, one per error kind the issue lists, through the
replay backend (answers written here stand in for the model)."""

import json

import pytest
from pydantic import ValidationError

from extract import small, windows
from extract.load import document_from_text
from extract.pipeline import Options, extract_document, run_info
from extract.providers import make_provider


def _run(tmp_path, article: str, answers: list[dict], match: str):
    (tmp_path / "f.json").write_text(json.dumps({"match": [match], "responses": [json.dumps(a) for a in answers]}))
    provider = make_provider("replay", fixtures=tmp_path)
    return extract_document(document_from_text(article), provider, None, Options(passes="small"))


def _transfer(sentence: int, supplier: str, recipient: str, weapon: str, category: str = "armoured_vehicle"):
    return {"transfers": [{"sentence": sentence, "supplier": supplier, "recipient": recipient, "weapon": weapon,
                           "category": category, "quantity": None, "status": "agreed", "certainty": "confirmed"}]}


def test_direction_comes_from_the_sentence_not_the_word_order(tmp_path):
    article = "Warsaw, 3 May 2024\n\nPoland bought 180 K2 tanks from South Korea, the ministry said.\n"
    result = _run(tmp_path, article, [_transfer(1, "Poland", "South Korea", "K2 tanks")], "Poland bought 180 K2")
    assert result.status == "ok", result.error
    transfer = result.extraction.transfers[0]
    assert (transfer.supplier, transfer.recipient) == ("South Korea", "Poland")
    assert transfer.weapon.name == "K2 Black Panther" and transfer.weapon.category == "armoured_vehicle"


def test_romanian_and_french_direction(tmp_path):
    article = "Armenia cumpără obuziere Caesar de la Franța, a anunțat ministerul.\n"
    result = _run(tmp_path, article, [_transfer(0, "Armenia", "France", "Caesar", "artillery")], "Armenia cumpără")
    transfer = result.extraction.transfers[0]
    assert (transfer.supplier, transfer.recipient) == ("France", "Armenia")


def test_persons_media_and_airlines_cannot_be_parties():
    text = ("Joe Biden said Reuters reported that Aeroflot flew a Patriot battery, which Germany delivered "
            "to Ukraine, President Volodymyr Zelensky said.")
    names = small.candidates(text, "en")
    model = small.response_model("transfers", [0], names)
    ok = _transfer(0, "Germany", "Ukraine", "Patriot", "air_defence")
    model.model_validate(ok)
    for person in ("Joe Biden", "Volodymyr Zelensky", "Reuters", "Aeroflot"):
        with pytest.raises(ValidationError):
            model.model_validate(_transfer(0, person, "Ukraine", "Patriot", "air_defence"))
    assert "Volodymyr Zelensky" in [c.name for c in names.people]


def test_soldiers_are_never_a_weapon(tmp_path):
    article = "North Korea sent 10,000 soldiers and artillery shells to Russia, Seoul said.\n"
    answers = [{"transfers": [
        {"sentence": 0, "supplier": "North Korea", "recipient": "Russia", "weapon": "North Korean soldiers",
         "category": "other", "quantity": 10000, "status": "delivered", "certainty": "reported"},
        {"sentence": 0, "supplier": "North Korea", "recipient": "Russia", "weapon": "obuze", "category": "ammunition",
         "quantity": None, "status": "delivered", "certainty": "reported"}]},
        {"deployments": []}]
    result = _run(tmp_path, article, answers, "North Korea sent 10,000 soldiers")
    assert [t.weapon.name for t in result.extraction.transfers] == ["artillery shells"]


def test_weapon_names_are_canonical_english(tmp_path):
    article = "Paris s'était engagé à livrer à Erevan 36 canons automoteurs Caesar, selon la France.\n"
    answer = _transfer(0, "France", "Armenia", "canons automoteurs Caesar", "other")
    result = _run(tmp_path, article, [answer], "Paris s'était engagé")
    transfer = result.extraction.transfers[0]
    assert (transfer.weapon.name, transfer.weapon.category) == ("CAESAR", "artillery")


def test_a_drone_used_against_a_country_is_not_sent_to_it(tmp_path):
    article = "Russia launched Shahed drones supplied by Iran against Ukraine overnight.\n"
    answers = [{"transfers": [
        {"sentence": 0, "supplier": "Russia", "recipient": "Ukraine", "weapon": "Shahed", "category": "drone",
         "quantity": None, "status": "delivered", "certainty": "confirmed"},
        {"sentence": 0, "supplier": "Iran", "recipient": "Russia", "weapon": "Shahed", "category": "drone",
         "quantity": None, "status": "delivered", "certainty": "confirmed"}]}]
    result = _run(tmp_path, article, answers, "Russia launched Shahed")
    assert [(t.supplier, t.recipient, t.weapon.name) for t in result.extraction.transfers] == [
        ("Iran", "Russia", "Shahed-136")]


def test_a_document_without_triggers_costs_no_model_call(tmp_path):
    article = "Madrid, 2 June 2024\n\nSpain's parliament debated the budget. The vote is next week.\n"
    (tmp_path / "f.json").write_text(json.dumps({"match": ["zzz"], "responses": []}))
    provider = make_provider("replay", fixtures=tmp_path)
    result = extract_document(document_from_text(article), provider, None, Options(passes="small"))
    assert result.status == "ok" and result.usage.calls == 0
    assert result.extraction.transfers == [] and result.extraction.meetings == []


def test_evidence_is_grounded_by_construction(tmp_path):
    article = "Kyiv, 1 May 2024\n\nGermany delivered a third Patriot system to Ukraine on Monday.\n"
    answer = _transfer(1, "Germany", "Ukraine", "Patriot", "air_defence")
    result = _run(tmp_path, article, [answer], "Germany delivered")
    for record in [*result.extraction.actors, *result.extraction.transfers]:
        assert all(q in article for q in record.evidence)
    assert {a.name for a in result.extraction.actors} >= {"Germany", "Ukraine"}


def test_meeting_participants_are_people():
    text = "President Emmanuel Macron met President Aleksandar Vučić in Belgrade on Thursday."
    names = small.candidates(text, "en")
    model = small.response_model("meetings", [0], names)
    good = {"meetings": [{"sentence": 0, "participants": ["Emmanuel Macron", "Aleksandar Vučić"],
                          "format": "bilateral", "place": "Belgrade", "certainty": "confirmed"}]}
    model.model_validate(good)
    with pytest.raises(ValidationError):
        invented = {**good["meetings"][0], "participants": ["Emmanuel Macron", "Kim Jong Un"]}
        model.model_validate({"meetings": [invented]})


def test_strategy_is_part_of_the_run_identity(tmp_path):
    (tmp_path / "f.json").write_text(json.dumps({"match": ["x"], "responses": []}))
    provider = make_provider("replay", fixtures=tmp_path)
    doc = document_from_text("Germany delivered a Patriot system to Ukraine.")
    a, b = run_info(doc, provider, Options()), run_info(doc, provider, Options(passes="small"))
    assert a.run_id != b.run_id and "small=" in b.variant


def test_windows_keep_trigger_sentences_and_neighbours():
    sents = windows.sentences("The weather was fine. Germany delivered tanks. Then it rained. The end came. Bye.")
    assert windows.windows(sents, "transfers") == [0, 1, 2]
    assert windows.windows(sents, "meetings") == []


def test_small_is_the_embedded_models_default_only():
    from extract.providers.local import LocalProvider
    from tests.conftest import FIXTURES

    assert Options().for_provider(LocalProvider()).passes == "small"
    assert Options().for_provider(make_provider("replay", fixtures=FIXTURES)).passes == "single"
    assert Options(passes="single").for_provider(LocalProvider()).passes == "single"
