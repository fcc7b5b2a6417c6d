import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from schemas import Extraction, GoldError, When, load_gold
from schemas.records import Actor, Meeting
from tests.conftest import SHARED_GOLD

ACTOR = {"name": "Russia", "kind": "state", "country": "RUS", "evidence": ["Rusia"]}


def test_country_names_and_codes_become_alpha3():
    assert Actor.model_validate({**ACTOR, "country": "Russia"}).country == "RUS"
    assert Actor.model_validate({**ACTOR, "country": "KP"}).country == "PRK"
    assert Actor.model_validate({**ACTOR, "country": "Phenian"}).country == "PRK"
    assert Actor.model_validate({**ACTOR, "country": None}).country is None


def test_unknown_country_is_rejected_with_a_hint():
    with pytest.raises(ValidationError, match="alpha-3"):
        Actor.model_validate({**ACTOR, "country": "Atlantis"})


def test_partial_dates_and_written_dates():
    assert When(start="2024", end="2024-06-30").end == "2024-06-30"
    assert When.model_validate({"start": "septembrie 2023"}).start == "2023-09"
    with pytest.raises(ValidationError):
        When(start="2024-13")
    with pytest.raises(ValidationError, match="before"):
        When(start="2024-05", end="2023")


@pytest.mark.parametrize("confidence", [-0.1, 1.5])
def test_confidence_must_be_a_probability(confidence):
    with pytest.raises(ValidationError):
        Actor.model_validate({**ACTOR, "confidence": confidence})


def test_evidence_is_required_in_predictions():
    with pytest.raises(ValidationError):
        Actor.model_validate({**ACTOR, "evidence": []})


def test_meeting_needs_two_participants():
    with pytest.raises(ValidationError):
        Meeting.model_validate({"evidence": ["x"], "participants": ["Russia"], "certainty": "confirmed"})


def test_role_fields_must_name_an_actor_and_the_error_lists_known_ones():
    bad = {"actors": [ACTOR], "transfers": [{
        "evidence": ["x"], "supplier": "Wagner Group", "recipient": "Russia",
        "weapon": {"name": "KN-23", "category": "missile"}, "certainty": "reported"}]}
    with pytest.raises(ValidationError, match=r"transfers\[0\]\.supplier = 'Wagner Group'.*Russia"):
        Extraction.model_validate(bad)
    # an alias of an extracted actor is accepted
    ok = {**bad, "actors": [ACTOR, {**ACTOR, "name": "Wagner Group", "aliases": ["Wagner"], "kind": "armed_group"}]}
    ok["transfers"][0]["supplier"] = "Wagner"
    assert Extraction.model_validate(ok).transfers[0].supplier == "Wagner"


def test_a_country_in_a_role_field_is_added_as_an_actor():
    data = {"actors": [ACTOR], "deployments": [{
        "evidence": ["soldații nord-coreeni"], "sender": "Coreea de Nord", "host": "Russia",
        "forces": "North Korean soldiers", "certainty": "confirmed"}]}
    ex = Extraction.model_validate(data)
    added = ex.actors[-1]
    assert (added.name, added.kind, added.country, added.evidence) == (
        "Coreea de Nord", "state", "PRK", ["soldații nord-coreeni"])


def test_unknown_fields_are_errors():
    with pytest.raises(ValidationError):
        Actor.model_validate({**ACTOR, "nmae": "typo"})


def test_shared_gold_example_loads():
    from schemas.gold import GoldFile

    gold = GoldFile.model_validate(json.loads(SHARED_GOLD.read_text(encoding="utf-8")))
    assert gold.document.language == "ro"
    assert len(gold.actors) == 14 and len(gold.transfers) == 3 and len(gold.meetings) == 3
    assert gold.transfers[2].optional is True
    assert "Phenian" in gold.actors[0].aliases


def test_gold_errors_name_file_and_field(tmp_path: Path):
    (tmp_path / "a.txt").write_text("text", encoding="utf-8")
    bad = {"format": "gold/1", "document": {"id": "a", "text_file": "a.txt"},
           "actors": [{"name": "X", "kind": "planet", "country": None}], "extra_key": 1}
    path = tmp_path / "a.gold.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(GoldError) as info:
        load_gold(path)
    message = str(info.value)
    assert "a.gold.json" in message and "actors.0.kind" in message and "extra_key" in message


def test_a_number_as_a_name_is_a_validation_error_not_a_crash():
    """A non-string name must reach instructor as a ValidationError (so it re-asks), never an AttributeError."""
    import pydantic

    from schemas.records import Extraction

    bad = {"actors": [{"name": 42, "kind": "state", "evidence": ["x"], "confidence": 0.5}],
           "transfers": [{"supplier": "Russia", "recipient": 42, "weapon": {"name": "S-400", "category": "air_defence"},
                          "evidence": ["x"], "confidence": 0.5}]}
    with pytest.raises(pydantic.ValidationError):
        Extraction.model_validate(bad)
