"""The loop guard: spot a model repeating itself, and close its cut-off answer as valid JSON."""

import json

import pytest

from extract.providers.loopguard import close_json, looping

ACTOR = ('{"evidence":["US President Joe Biden","Chinese President Xi Jinping","Joe Biden","Xi Jinping"],'
         '"name":"Joe Biden","kind":"person","country":"USA","role":"President of the United States","confidence":0.9}')
OTHER = '{"evidence":["Chinese President Xi Jinping"],"name":"Xi Jinping","kind":"person","country":"CHN"}'


def test_a_record_written_three_times_is_a_loop_two_is_not():
    head = '{"actors":[' + OTHER
    assert not looping(head + ("," + ACTOR) * 2)
    assert looping(head + ("," + ACTOR) * 3)


def test_distinct_records_are_not_a_loop():
    records = [ACTOR.replace("Joe Biden", f"Person {i}").replace("met", f"met {i}") for i in range(12)]
    assert not looping('{"actors":[' + ",".join(records))


def test_a_cut_off_loop_closes_to_the_unique_records():
    text = '{"actors":[' + OTHER + ("," + ACTOR) * 3 + ',{"evidence":["US Pres'
    closed, cut_in = close_json(text)
    assert [a["name"] for a in json.loads(closed)["actors"]] == ["Xi Jinping", "Joe Biden"] and cut_in == "actors"


def test_lists_finished_before_the_loop_are_kept_whole():
    text = '{"actors":[' + OTHER + '],"transfers":[{"evidence":["x"],"supplier":"A"},{"evidence":["x"],"supp'
    closed, cut_in = close_json(text)
    closed = json.loads(closed)
    assert closed["actors"][0]["name"] == "Xi Jinping" and cut_in == "transfers"
    assert closed["transfers"] == [{"evidence": ["x"], "supplier": "A"}]


def test_nothing_usable_is_an_error():
    with pytest.raises(ValueError):
        close_json('["not an object"')


def test_an_answer_cut_in_its_actor_list_is_followed_by_an_events_request(tmp_path):
    """The loop guard cut the actor list: the pipeline asks for the events given those actors."""
    from dataclasses import replace

    from extract.load import document_from_text
    from extract.pipeline import extract_document
    from extract.providers.replay import ReplayProvider

    class CutOnce(ReplayProvider):
        calls = 0

        def raw_create(self, **kwargs):
            out = super().raw_create(**kwargs)
            self.calls += 1
            return replace(out, cut_in="actors" if self.calls == 1 else None)

    actors = {"actors": [{"evidence": ["Norway"], "name": "Norway", "kind": "state"},
                         {"evidence": ["Ukraine"], "name": "Ukraine", "kind": "state"}]}
    events = {"transfers": [{"evidence": ["Norway will deliver two NASAMS launchers to Ukraine"],
                             "supplier": "Norway", "recipient": "Ukraine",
                             "weapon": {"name": "NASAMS", "category": "air_defence"}, "certainty": "confirmed"}],
              "actors": []}
    (tmp_path / "f.json").write_text(json.dumps({"match": ["Norway sends"],
                                                 "responses": [json.dumps(actors), json.dumps(events)]}))
    provider = CutOnce(model="replay", fixtures=tmp_path)
    seen = []
    create = provider.raw_create
    provider.raw_create = lambda **kw: seen.append(kw["messages"][-1]["content"]) or create(**kw)
    doc = document_from_text("Norway sends NASAMS. Norway will deliver two NASAMS launchers to Ukraine.")
    result = extract_document(doc, provider)
    assert result.usage.calls == 2 and "Using these actors: Norway, Ukraine." in seen[1]
    assert [(t.supplier, t.recipient) for t in result.extraction.transfers] == [("Norway", "Ukraine")]
    assert result.status == "partial" and "looped in its actor list" in result.error
