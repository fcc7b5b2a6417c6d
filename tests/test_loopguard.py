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
    closed = json.loads(close_json(text))
    assert [a["name"] for a in closed["actors"]] == ["Xi Jinping", "Joe Biden"]


def test_lists_finished_before_the_loop_are_kept_whole():
    text = '{"actors":[' + OTHER + '],"transfers":[{"evidence":["x"],"supplier":"A"},{"evidence":["x"],"supp'
    closed = json.loads(close_json(text))
    assert closed["actors"][0]["name"] == "Xi Jinping"
    assert closed["transfers"] == [{"evidence": ["x"], "supplier": "A"}]


def test_nothing_usable_is_an_error():
    with pytest.raises(ValueError):
        close_json('["not an object"')
