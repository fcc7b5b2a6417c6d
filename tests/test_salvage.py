import json

import pytest

from extract.salvage import salvage
from schemas import Extraction

ACTORS = [{"evidence": ["Iran"], "name": "Iran", "kind": "state"}, {"evidence": ["Russia"], "name": "Russia",
                                                                     "kind": "state"}]
GOOD = {"evidence": ["q"], "supplier": "Iran", "recipient": "Russia",
        "weapon": {"name": "Shahed-136", "category": "drone"}, "certainty": "denied"}


def test_valid_records_survive_and_each_dropped_one_is_named():
    answer = {"actors": [*ACTORS, {"name": "no evidence", "kind": "state"}],
              "transfers": [GOOD, {**GOOD, "supplier": "Wagner Group"}, {**GOOD, "certainty": "rumoured"}],
              "meetings": [{"evidence": ["m"], "participants": ["Iran"], "certainty": "confirmed"}]}
    result, notes = salvage("```json\n" + json.dumps(answer) + "\n```", Extraction, {})
    assert [a.name for a in result.actors] == ["Iran", "Russia"]
    assert len(result.transfers) == 1 and result.meetings == []
    assert len(notes) == 4
    assert any("transfers[1]: names no actor: Wagner Group" in n for n in notes)
    assert any(n.startswith("dropped actors[2]") for n in notes)


def test_nothing_valid_is_an_error_not_an_empty_result():
    with pytest.raises(ValueError, match="no valid record"):
        salvage('{"transfers": "x"}', Extraction, {})
    with pytest.raises(ValueError, match="not JSON"):
        salvage("sorry, I cannot help", Extraction, {})


def test_a_partial_run_is_stored_as_partial_with_its_notes(tmp_path):
    from extract.load import document_from_text
    from extract.pipeline import extract_document
    from extract.providers import make_provider
    from extract.store import Store

    bad = json.dumps({"actors": ACTORS, "transfers": [GOOD, {**GOOD, "recipient": "Hezbollah"}]})
    (tmp_path / "f.json").write_text(json.dumps({"match": ["Tehran ships drones"], "responses": [bad] * 3}))
    doc = document_from_text("Tehran ships drones\n\nIran sent drones to Russia, Kyiv says; Iran denies it.\n")
    with Store(tmp_path / "db.duckdb") as store:
        result = extract_document(doc, make_provider("replay", fixtures=tmp_path), store)
        assert result.status == "partial" and "Hezbollah" in result.error
        assert store.query("SELECT status FROM latest_runs")[1] == [("partial",)]
        assert store.query("SELECT count(*) FROM latest_transfers")[1] == [(1,)]


def test_an_invalid_optional_field_is_removed_not_the_record():
    """'IRI' is not ISO alpha-3 (it is Iran's IOC code): keep the actor without a country, say so."""
    raw = json.dumps({"actors": [{"name": "Iran", "kind": "state", "country": "IRI", "evidence": ["Tehran denied"]},
                                 {"name": "Russia", "kind": "state", "country": "RUS", "evidence": ["Moscow"]}],
                      "transfers": [{"evidence": ["drones"], "supplier": "Iran", "recipient": "Russia",
                                     "weapon": {"name": "Shahed-136", "category": "drone"}, "certainty": "denied"}]})
    result, notes = salvage(raw, Extraction, {})
    assert [(a.name, a.country) for a in result.actors] == [("Iran", None), ("Russia", "RUS")]
    assert len(result.transfers) == 1
    assert len(notes) == 1 and notes[0].startswith("removed actors[0].country: country: Value error, 'IRI'")


def test_an_invalid_required_field_still_drops_the_record():
    raw = json.dumps({"actors": [{"name": "Iran", "kind": "planet", "country": "IRI", "evidence": ["x"]},
                                 {"name": "Russia", "kind": "state", "evidence": ["Moscow"]}]})
    result, notes = salvage(raw, Extraction, {})
    assert [a.name for a in result.actors] == ["Russia"] and notes[0].startswith("dropped actors[0]:")


def test_a_small_strategy_answer_keeps_its_valid_records():
    """The role rule is for records that name actors (`ROLES`); the small strategy's answers carry
    parties from a closed list and no actors, so the rule dropped every record of a salvaged answer
    ("no valid record") where one bad sentence id should cost one record."""
    from typing import Literal

    from pydantic import BaseModel, Field, create_model

    party = Literal["Iran", "Russia"]  # the small strategy's answer shape (extract/small.py response_model)
    item_model = create_model("TransferItem", sentence=(Literal[0, 1], ...), supplier=(party, ...),
                              recipient=(party, ...), weapon=(str, ...), category=(str, ...), status=(str, ...),
                              certainty=(str, ...))
    model = create_model("TransfersAnswer", transfers=(list[item_model], Field(default_factory=list)),
                         __base__=BaseModel)
    item = {"sentence": 0, "supplier": "Iran", "recipient": "Russia", "weapon": "Shahed-136", "category": "drone",
            "status": "delivered", "certainty": "confirmed"}
    result, notes = salvage(json.dumps({"transfers": [item, {**item, "sentence": 7}]}), model, {})
    assert [t.weapon for t in result.transfers] == ["Shahed-136"]
    assert len(notes) == 1 and notes[0].startswith("dropped transfers[1]: sentence")
