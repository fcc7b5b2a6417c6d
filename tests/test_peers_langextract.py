"""The LangExtract side-by-side: its worked example and the conversion to gold/1 (offline)."""

import importlib.util

from schemas.gold import GoldFile
from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("peer", ROOT / "benchmarks" / "peers" / "langextract.py")
peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)


def test_the_worked_example_quotes_its_text_and_converts_without_loss():
    assert all(text in peer.EXAMPLE_TEXT for _, text, _ in peer.EXAMPLE)
    doc, dropped = peer.to_gold("example", peer.EXAMPLE)
    assert dropped == []
    gold = GoldFile.model_validate(doc)
    assert (len(gold.actors), len(gold.transfers), len(gold.meetings), len(gold.deployments)) == (6, 1, 1, 1)
    assert gold.transfers[0].weapon.category.value == "aircraft" and gold.deployments[0].size.min == 500
    assert gold.meetings[0].when.start == "2024-03-01" and gold.meetings[0].location.country == "RUS"
    assert gold.actors[2].aliases == ["Belarusian defence ministry"]


def test_records_the_schema_rejects_or_without_known_parties_are_left_out_and_named():
    found = [("actor", "Kyiv", {"name": "Ukraine", "kind": "state", "country": "UKR"}),
             ("transfer", "Atlantis sent tanks", {"supplier": "Atlantis", "recipient": "Ukraine", "weapon": "tanks",
                                                 "category": "armoured_vehicle", "certainty": "reported"}),
             ("meeting", "met", {"participants": "Ukraine", "certainty": "sure"}),
             ("rumour", "x", {})]
    doc, dropped = peer.to_gold("d", found)
    assert len(dropped) == 3 and doc["transfers"] == [] and doc["meetings"] == []
    assert any("Atlantis sent tanks" in d and "no extracted actor" in d for d in dropped)
    assert GoldFile.model_validate(doc).actors[0].aliases == ["Kyiv"]
