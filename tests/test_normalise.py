import pytest
from pydantic import ValidationError

from extract.normalise import normalise
from schemas import Extraction
from schemas.records import Actor


def test_capitals_and_local_names_become_countries_and_roles_follow():
    raw = Extraction.model_validate({
        "actors": [
            {"name": "Phenian", "kind": "state", "evidence": ["Phenianul"]},
            {"name": "Moscova", "kind": "state", "evidence": ["Moscovei"]},
            {"name": "Kremlin", "kind": "state", "evidence": ["Kremlin"]},
            {"name": "Kim Jong Un", "kind": "person", "country": "PRK", "evidence": ["Kim Jong Un"]},
        ],
        "transfers": [{"evidence": ["x"], "supplier": "Phenian", "recipient": "Kremlin",
                       "weapon": {"name": "KN-23", "category": "missile"}, "certainty": "confirmed"}],
        "deployments": [{"evidence": ["y"], "sender": "Phenian", "host": "Moscova", "forces": "soldiers",
                         "certainty": "reported"}],
    })
    out = normalise(raw)
    names = [a.name for a in out.actors]
    assert names == ["North Korea", "Russia", "Kim Jong Un"]  # Moscova and Kremlin merged
    russia = out.actors[1]
    assert russia.country == "RUS" and {"Moscova", "Kremlin"} <= set(russia.aliases)
    assert russia.evidence == ["Moscovei", "Kremlin"]
    assert (out.transfers[0].supplier, out.transfers[0].recipient) == ("North Korea", "Russia")
    assert (out.deployments[0].sender, out.deployments[0].host) == ("North Korea", "Russia")


def test_people_and_organisations_keep_their_names():
    raw = Extraction.model_validate({"actors": [
        {"name": "Georgia Meloni", "kind": "person", "evidence": ["a"]},
        {"name": "Jordan", "kind": "person", "evidence": ["b"]},  # a person named like a country
    ]})
    assert [a.name for a in normalise(raw).actors] == ["Georgia Meloni", "Jordan"]


def test_two_names_of_one_party_are_not_a_meeting():
    """Moscova and Kremlin are both Russia: the validator sends this back instead of letting
    normalisation collapse the meeting to one participant."""
    with pytest.raises(ValidationError, match="fewer than two different participants"):
        Extraction.model_validate({
            "actors": [{"name": "Moscova", "kind": "state", "evidence": ["Moscova"]},
                       {"name": "Kremlin", "kind": "state", "evidence": ["Kremlin"]}],
            "meetings": [{"evidence": ["x"], "participants": ["Moscova", "Kremlin"], "certainty": "confirmed"}]})


def test_a_transfer_from_a_party_to_itself_is_invalid():
    with pytest.raises(ValidationError, match="supplier and recipient are both 'Finland'"):
        Extraction.model_validate({
            "actors": [{"name": "Finland", "kind": "state", "evidence": ["Finland"]}],
            "transfers": [{"evidence": ["x"], "supplier": "Finland", "recipient": "Finland",
                           "weapon": {"name": "K9", "category": "artillery"}, "certainty": "confirmed"}]})


def test_a_transfer_of_no_weapon_is_invalid():
    with pytest.raises(ValidationError, match="'none' is not a weapon"):
        Extraction.model_validate({
            "actors": [{"name": "Finland", "kind": "state", "evidence": ["Finland"]},
                       {"name": "Sweden", "kind": "state", "evidence": ["Sweden"]}],
            "transfers": [{"evidence": ["x"], "supplier": "Finland", "recipient": "Sweden",
                           "weapon": {"name": "none", "category": "other"}, "certainty": "confirmed"}]})


def test_merged_actors_still_validate_their_quote_and_alias_caps():
    """Found on the dev set: two passes named Iran with 3 quotes each; the merged actor had 5 and
    the eval, re-reading it from the store, rejected it."""
    def iran(name: str, quotes: list[str], aliases: list[str]) -> dict:
        return {"name": name, "kind": "state", "evidence": quotes, "aliases": aliases}
    raw = Extraction.model_construct(actors=[
        Actor.model_validate(iran("Iran", ["a", "b", "c"], ["Tehran", "IRI", "Persia"])),
        Actor.model_validate(iran("Iran", ["c", "d", "e"], ["Islamic Republic", "Teheran", "Iranian state", "I.R."])),
        Actor.model_validate(iran("Tehran", ["f"], ["Iran", "Iranian government", "a", "b", "c", "d"]))])
    out = normalise(raw)
    assert len(out.actors) == 1 and out.actors[0].evidence == ["a", "b", "c", "d"]
    Actor.model_validate(out.actors[0].model_dump())
