"""The per-type strategy: actors first, then events given those actors, through the replay backend."""

import json

from extract.load import document_from_text
from extract.pipeline import Options, extract_document, run_info
from extract.providers import make_provider

ARTICLE = "Vilnius, 2 May 2024\n\nLithuania receives NASAMS\n\nNorway delivered two NASAMS launchers to Lithuania.\n"
ACTORS = {"actors": [{"evidence": ["Norway delivered two NASAMS launchers"], "name": "Norway", "kind": "state",
                      "country": "NOR"},
                     {"evidence": ["launchers to Lithuania"], "name": "Lithuania", "kind": "state", "country": "LTU"}]}
EVENTS = {"transfers": [{"evidence": ["Norway delivered two NASAMS launchers to Lithuania"], "supplier": "Norway",
                         "recipient": "Lithuania", "weapon": {"name": "NASAMS", "category": "air_defence"},
                         "quantity": {"min": 2, "max": 2}, "status": "delivered", "certainty": "confirmed"}]}


def test_per_type_asks_twice_and_the_second_pass_may_name_first_pass_actors(tmp_path):
    (tmp_path / "f.json").write_text(json.dumps({"match": ["Lithuania receives NASAMS"],
                                                 "responses": [json.dumps(ACTORS), json.dumps(EVENTS)]}))
    provider = make_provider("replay", fixtures=tmp_path)
    doc = document_from_text(ARTICLE)
    result = extract_document(doc, provider, None, Options(passes="per-type"))
    assert result.status == "ok", result.error
    assert result.usage.calls == 2
    assert [a.name for a in result.extraction.actors] == ["Norway", "Lithuania"]
    assert result.extraction.transfers[0].recipient == "Lithuania"


def test_strategies_are_separate_runs():
    doc = document_from_text(ARTICLE)
    provider = make_provider("replay", fixtures=tmp_fixture_dir())
    single = run_info(doc, provider, Options())
    per_type = run_info(doc, provider, Options(passes="per-type"))
    assert single.run_id != per_type.run_id and per_type.variant == "passes=per-type"


def tmp_fixture_dir():
    from tests.conftest import FIXTURES

    return FIXTURES
