"""Prompt v3: the worked example as its own exchange, the article last, the options that vary it."""

import json

from extract.load import document_from_text
from extract.pipeline import Options, extract_document, run_info
from extract.prompt import EXAMPLE_ANSWER, EXAMPLE_ARTICLE, SYSTEM, messages
from extract.providers import make_provider
from extract.providers.replay import article_of
from schemas.records import ActorList, Extraction

ARTICLE = "Oslo, 4 June 2024\n\nNorway sends NASAMS\n\nNorway will deliver two NASAMS launchers to Ukraine."


def test_the_worked_example_is_a_valid_grounded_answer():
    """The example teaches the model; it must pass the same validation as the model's answers."""
    answer = Extraction.model_validate(EXAMPLE_ANSWER)
    assert answer.count() == {"actors": 4, "transfers": 1, "meetings": 1, "deployments": 0}
    quotes = [q for kind in ("actors", "transfers", "meetings") for r in getattr(answer, kind) for q in r.evidence]
    assert all(q in EXAMPLE_ARTICLE for q in quotes)


def test_the_example_goes_where_asked_and_the_article_comes_last():
    doc = document_from_text(ARTICLE)
    default = messages(doc, doc.prompt_text)
    assert [m["role"] for m in default] == ["system", "user"] and "Bayraktar" in default[0]["content"]
    turns = messages(doc, doc.prompt_text, example="turns")
    assert [m["role"] for m in turns] == ["system", "user", "assistant", "user"]
    assert "Bayraktar" not in turns[0]["content"] == SYSTEM and "Bayraktar" in turns[1]["content"]
    none = messages(doc, doc.prompt_text, example="none")
    assert [m["role"] for m in none] == ["system", "user"] and "Bayraktar" not in none[0]["content"]
    for msgs in (default, turns, none):
        assert article_of(msgs).endswith("two NASAMS launchers to Ukraine.")


def test_the_actor_pass_sees_an_actors_only_example():
    doc = document_from_text(ARTICLE)
    example = json.loads(messages(doc, doc.prompt_text, "actors", example="turns")[2]["content"])
    ActorList.model_validate(example)
    assert set(example) == {"actors"}


def test_the_events_pass_sees_an_events_first_example():
    from schemas.records import Events

    doc = document_from_text(ARTICLE)
    example = json.loads(messages(doc, doc.prompt_text, "events", example="turns", actors="Norway")[2]["content"])
    assert list(example) == ["transfers", "meetings", "deployments", "actors"] and example["actors"] == []
    Events.model_validate(example, context={"actors": Extraction.model_validate(EXAMPLE_ANSWER).actors})


def test_example_place_and_temperature_are_part_of_the_run_identity():
    doc = document_from_text(ARTICLE)
    provider = make_provider("replay", fixtures=FIXTURES)
    ids = {run_info(doc, provider, o).run_id for o in (Options(), Options(example="none"), Options(temperature=0.3))}
    assert len(ids) == 3
    assert run_info(doc, provider, Options(example="turns", temperature=0.3)).variant == "example=turns,temp=0.3"


def test_zero_shot_sends_no_example(tmp_path):
    answer = {"actors": [{"evidence": ["Norway will deliver"], "name": "Norway", "kind": "state"}]}
    (tmp_path / "f.json").write_text(json.dumps({"match": ["Norway sends NASAMS"], "responses": [json.dumps(answer)]}))
    provider = make_provider("replay", fixtures=tmp_path)
    seen: list[list[dict]] = []
    create = provider.raw_create
    provider.raw_create = lambda **kw: seen.append(kw["messages"]) or create(**kw)
    result = extract_document(document_from_text(ARTICLE), provider, None, Options(example="none"))
    assert result.status == "ok", result.error
    assert all("Bayraktar" not in m["content"] for m in seen[0])


from tests.conftest import FIXTURES  # noqa: E402


def test_re_asks_default_per_provider_and_only_departures_name_a_variant():
    from extract.providers.local import LocalProvider

    doc = document_from_text(ARTICLE)
    local, replay = LocalProvider(), make_provider("replay", fixtures=FIXTURES)
    assert (Options().for_provider(local).max_retries, Options().for_provider(local).reask_ungrounded) == (0, False)
    assert (Options().for_provider(replay).max_retries, Options().for_provider(replay).reask_ungrounded) == (2, True)
    assert run_info(doc, local, Options()).variant == run_info(doc, local, Options(passes="small")).variant
    assert "passes=" not in run_info(doc, local, Options()).variant  # small is the embedded model's default
    assert run_info(doc, local, Options(max_retries=1, reask_ungrounded=True)).variant.startswith("reask,retries=1,")
    assert run_info(doc, replay, Options(reask_ungrounded=False)).variant == "noreask"
