"""schemas.role_rule: each way a record can break "role fields name actors", and what each stage
does with it: the validator raises, salvage and the support check drop with a note, normalise and
the country repair put it right."""

import json

import pytest
from pydantic import ValidationError

from extract.normalise import normalise
from extract.salvage import salvage
from extract.support import drop_unsupported
from schemas import Extraction, role_rule
from schemas.gold import GoldFile
from schemas.records import Actor, Transfer

TEXT = "Russia received Shahed-136 drones from Iran, the Kremlin said."
IRAN = {"evidence": ["Iran"], "name": "Iran", "kind": "state"}
RUSSIA = {"evidence": ["Russia"], "name": "Russia", "kind": "state", "aliases": ["Kremlin"]}


def transfer(supplier: str, recipient: str) -> dict:
    return {"evidence": [TEXT], "supplier": supplier, "recipient": recipient,
            "weapon": {"name": "Shahed-136", "category": "drone"}, "certainty": "confirmed"}


# One crafted answer per problem kind: a role naming no actor, a record joining a party to itself.
UNKNOWN = {"actors": [IRAN, RUSSIA], "transfers": [transfer("Iran", "Russia"), transfer("Wagner Group", "Russia")]}
SAME = {"actors": [IRAN, RUSSIA], "transfers": [transfer("Iran", "Russia"), transfer("Russia", "Kremlin")]}
CASES = [
    (UNKNOWN, role_rule.UNKNOWN, "these role fields name no actor in `actors`: transfers[1].supplier = 'Wagner Group'",
     "dropped transfers[1]: names no actor: Wagner Group"),
    (SAME, role_rule.SAME_PARTY, "transfers[1]: supplier and recipient are both 'Russia'. Remove these records",
     "dropped transfers[1]: supplier and recipient are both 'Russia'"),
]


@pytest.mark.parametrize(("answer", "kind", "raised", "note"), CASES)
def test_each_problem_is_raised_by_the_validator_and_dropped_by_salvage(answer: dict, kind: str, raised: str,
                                                                        note: str) -> None:
    records = [Transfer.model_validate(t) for t in answer["transfers"]]
    index = role_rule.actor_index(Actor.model_validate(a) for a in answer["actors"])
    assert [(p.where, p.kind) for p in role_rule.problems({"transfers": records}, index)] == [("transfers[1]", kind)]
    with pytest.raises(ValidationError) as exc:
        Extraction.model_validate(answer)
    assert raised in str(exc.value)
    kept, notes = salvage(json.dumps(answer), Extraction, {})
    assert [(t.supplier, t.recipient) for t in kept.transfers] == [("Iran", "Russia")]
    assert notes == [note]


def test_the_support_check_drops_records_of_an_actor_not_in_the_article() -> None:
    """An actor the article never names goes, and every record naming it, one note each."""
    answer = {"actors": [IRAN, RUSSIA, {"evidence": ["a quote the article lacks"], "name": "Belarus", "kind": "state"}],
              "transfers": [transfer("Iran", "Russia"), transfer("Belarus", "Russia")]}
    kept, notes = drop_unsupported(Extraction.model_validate(answer), TEXT)
    assert [a.name for a in kept.actors] == ["Iran", "Russia"]
    assert [(t.supplier, t.recipient) for t in kept.transfers] == [("Iran", "Russia")]
    assert notes[1:] == ["dropped transfers[1]: names an actor not in the article: Belarus"]


def test_a_country_missing_from_the_actors_is_repaired_not_dropped() -> None:
    """The third way to break the rule has an exact repair: a role naming a country ("Teheran")
    adds that state; the validator and salvage both apply it, and normalise then names it."""
    answer = {"actors": [RUSSIA], "transfers": [transfer("Teheran", "Russia")]}
    validated = Extraction.model_validate(answer)
    salvaged, notes = salvage(json.dumps(answer), Extraction, {})
    for extraction in (validated, salvaged):
        assert [(a.name, a.country) for a in extraction.actors] == [("Russia", None), ("Teheran", "IRN")]
    assert notes == []
    out = normalise(validated)
    assert [a.name for a in out.actors] == ["Russia", "Iran"]
    assert (out.transfers[0].supplier, out.transfers[0].recipient) == ("Iran", "Russia")


def test_normalise_repairs_roles_without_making_a_one_party_meeting() -> None:
    """Role fields follow the canonical names ("Kremlin" → "Russia"); a meeting whose two names
    are one party keeps them as written rather than shrink to one participant."""
    meeting = {"evidence": [TEXT], "participants": ["Iran", "Kremlin"], "certainty": "confirmed"}
    out = normalise(Extraction.model_validate({"actors": [IRAN, RUSSIA], "meetings": [meeting]}))
    assert out.meetings[0].participants == ["Iran", "Russia"]
    collapsed = Extraction.model_construct(actors=out.actors, transfers=[], deployments=[], meetings=[
        out.meetings[0].model_copy(update={"participants": ["Russia", "Kremlin"]})])
    assert normalise(collapsed).meetings[0].participants == ["Russia", "Kremlin"]


@pytest.mark.parametrize(("kind", "record", "why"), [
    ("deployments", {"evidence": ["x"], "sender": "Russia", "host": "Kremlin", "forces": "troops",
                     "certainty": "reported"}, "sender and host are both 'Russia'"),
    ("meetings", {"evidence": ["x"], "participants": ["Russia", "Kremlin"], "certainty": "confirmed"},
     "fewer than two different participants"),
])
def test_same_party_reads_each_kinds_roles(kind: str, record: dict, why: str) -> None:
    with pytest.raises(ValidationError, match=f"{kind}\\[0\\]: {why}"):
        Extraction.model_validate({"actors": [RUSSIA], kind: [record]})


def test_role_lists_come_from_the_record_models() -> None:
    assert role_rule.role_lists(Extraction) == {"transfers": ("supplier", "recipient"), "meetings": ("participants",),
                                                "deployments": ("sender", "host")}


def test_gold_roles_must_name_actors_but_may_repeat_a_party() -> None:
    """Gold is held to the first half of the rule only (as before the rule had one home)."""
    gold = {"format": "gold/1", "document": {"id": "d", "text_file": "d.txt"}, "actors": [RUSSIA]}
    GoldFile.model_validate({**gold, "transfers": [transfer("Russia", "Kremlin")]})
    with pytest.raises(ValidationError, match="name no actor"):
        GoldFile.model_validate({**gold, "transfers": [transfer("Russia", "Iran")]})
