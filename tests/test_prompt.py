"""Prompt v3: the worked example as its own exchange, the article last, the options that vary it."""

import json

from extract.load import document_from_text
from extract.pipeline import Options, extract_document, run_info
from extract.prompt import EXAMPLE_ANSWER, EXAMPLE_ARTICLE, SYSTEM, messages
from extract.providers import make_provider
from extract.providers.local import is_reask
from extract.providers.replay import article_of
from schemas.records import ActorList, Extraction

ARTICLE = "Oslo, 4 June 2024\n\nNorway sends NASAMS\n\nNorway will deliver two NASAMS launchers to Ukraine."


def test_the_worked_example_is_a_valid_grounded_answer():
    """The example teaches the model; it must pass the same validation as the model's answers."""
    answer = Extraction.model_validate(EXAMPLE_ANSWER)
    assert answer.count() == {"actors": 4, "transfers": 1, "meetings": 1, "deployments": 0}
    quotes = [q for kind in ("actors", "transfers", "meetings") for r in getattr(answer, kind) for q in r.evidence]
    assert all(q in EXAMPLE_ARTICLE for q in quotes)


def test_example_sits_outside_the_rules_and_before_the_article():
    doc = document_from_text(ARTICLE)
    msgs = messages(doc, doc.prompt_text)
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user"]
    assert "Bayraktar" not in SYSTEM and "Bayraktar" in msgs[1]["content"]
    assert "NASAMS" in msgs[-1]["content"] and article_of(msgs).endswith("two NASAMS launchers to Ukraine.")
    assert [m["role"] for m in messages(doc, doc.prompt_text, shots=0)] == ["system", "user"]


def test_the_actor_pass_sees_an_actors_only_example():
    doc = document_from_text(ARTICLE)
    example = json.loads(messages(doc, doc.prompt_text, "actors")[2]["content"])
    ActorList.model_validate(example)
    assert set(example) == {"actors"}


def test_a_reask_is_recognised_after_the_article_not_after_the_example():
    doc = document_from_text(ARTICLE)
    first = messages(doc, doc.prompt_text)
    assert not is_reask(first)
    assert is_reask([*first, {"role": "assistant", "content": "{}"}, {"role": "user", "content": "fix it"}])


def test_shots_and_temperature_are_part_of_the_run_identity():
    doc = document_from_text(ARTICLE)
    provider = make_provider("replay", fixtures=FIXTURES)
    ids = {run_info(doc, provider, o).run_id for o in (Options(), Options(shots=0), Options(temperature=0.3))}
    assert len(ids) == 3
    assert run_info(doc, provider, Options(shots=0, temperature=0.3)).variant == "shots=0,temp=0.3"


def test_zero_shot_sends_no_example(tmp_path):
    answer = {"actors": [{"evidence": ["Norway will deliver"], "name": "Norway", "kind": "state"}]}
    (tmp_path / "f.json").write_text(json.dumps({"match": ["Norway sends NASAMS"], "responses": [json.dumps(answer)]}))
    provider = make_provider("replay", fixtures=tmp_path)
    seen: list[list[dict]] = []
    create = provider.raw_create
    provider.raw_create = lambda **kw: seen.append(kw["messages"]) or create(**kw)
    result = extract_document(document_from_text(ARTICLE), provider, None, Options(shots=0))
    assert result.status == "ok", result.error
    assert all("Bayraktar" not in m["content"] for m in seen[0])


from tests.conftest import FIXTURES  # noqa: E402
