"""The four record types and the per-document Extraction that the LLM fills.

Field names and enums follow ../shared/spec/gold-format.md. These classes are the *prediction*
shape: evidence is required and every record carries a confidence. The gold shape
(schemas.gold) subclasses them, adding only the gold-only fields.
Every record lists `evidence` first: a small model that copies the quote before it fills the
structured fields stays closer to the text (and does not write a definition of the name instead).
"""

from __future__ import annotations

from typing import Any, ClassVar, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from schemas.fields import (
    ActorKind,
    Category,
    Certainty,
    Confidence,
    CountryCode,
    Location,
    MeetingFormat,
    Quotes,
    Range,
    Status,
    Strict,
    When,
)
from schemas.names import country_for_name, name_key

SCHEMA_VERSION = 1

EVIDENCE_HELP = "verbatim quotes copied exactly from the article text that support this record"
CONFIDENCE_HELP = "probability (0-1) that this record is correct"


MAX_QUOTES = 4
MAX_ALIASES = 6


def union(first: list[str], second: list[str], cap: int) -> list[str]:
    """Both lists without repeats, first one first, cut at the schema's cap: merged records must
    still validate (the eval re-reads them from the store)."""
    return list(dict.fromkeys([*first, *second]))[:cap]


class Actor(Strict):
    evidence: Quotes = Field(min_length=1, max_length=MAX_QUOTES, description=EVIDENCE_HELP)
    name: str = Field(min_length=1, description="canonical English name, e.g. 'North Korea', 'Kim Jong Un'")
    aliases: list[str] = Field(default_factory=list, max_length=MAX_ALIASES,
                               description="other names used for it in the text")
    kind: ActorKind
    country: CountryCode = Field(default=None, description="ISO 3166-1 alpha-3 code, e.g. RUS")
    role: str | None = Field(default=None, description="title of a person, in English")
    confidence: Confidence = Field(default=0.5, description=CONFIDENCE_HELP)


NO_WEAPON = {"none", "n/a", "na", "unknown", "null", "nothing", "-"}


class Weapon(Strict):
    name: str = Field(min_length=1, description="weapon name in English, e.g. 'Hwasong-11A', 'artillery shells'")
    category: Category

    @field_validator("name")
    @classmethod
    def _names_a_weapon(cls, value: str) -> str:
        """A transfer of "none" is a meeting or a statement the model forced into a transfer."""
        if value.strip().casefold() in NO_WEAPON:
            raise ValueError(f"{value!r} is not a weapon: leave out transfers without a weapon, system or munition")
        return value


class Transfer(Strict):
    ROLES: ClassVar[tuple[str, ...]] = ("supplier", "recipient")  # fields that name actors

    evidence: Quotes = Field(min_length=1, max_length=MAX_QUOTES, description=EVIDENCE_HELP)
    supplier: str = Field(description="name of the supplying actor, as in actors")
    recipient: str = Field(description="name of the receiving actor, as in actors")
    weapon: Weapon
    quantity: Range | None = None
    status: Status = Status.unknown
    certainty: Certainty
    when: When = Field(default_factory=When)
    confidence: Confidence = Field(default=0.5, description=CONFIDENCE_HELP)


class Meeting(Strict):
    ROLES: ClassVar[tuple[str, ...]] = ("participants",)

    evidence: Quotes = Field(min_length=1, max_length=MAX_QUOTES, description=EVIDENCE_HELP)
    participants: list[str] = Field(min_length=2, max_length=12, description="at least two actor names, as in actors")
    location: Location = Field(default_factory=Location)
    when: When = Field(default_factory=When)
    format: MeetingFormat = MeetingFormat.other
    topics: list[str] = Field(default_factory=list, max_length=6, description="short English phrases")
    certainty: Certainty
    confidence: Confidence = Field(default=0.5, description=CONFIDENCE_HELP)


class Deployment(Strict):
    ROLES: ClassVar[tuple[str, ...]] = ("sender", "host")

    evidence: Quotes = Field(min_length=1, max_length=MAX_QUOTES, description=EVIDENCE_HELP)
    sender: str = Field(description="name of the actor sending forces, as in actors")
    host: str = Field(description="name of the actor the forces fight or serve with, as in actors")
    forces: str = Field(description="short English description, e.g. 'North Korean soldiers'")
    location: Location = Field(default_factory=Location)
    size: Range | None = None
    killed: Range | None = None
    when: When = Field(default_factory=When)
    certainty: Certainty
    confidence: Confidence = Field(default=0.5, description=CONFIDENCE_HELP)




def _is_country(name: str) -> str | None:
    return country_for_name(name) if isinstance(name, str) else None


def add_country_actors(data: dict) -> dict:
    """A role field naming a country that `actors` lacks gets that country as a state actor.

    A country name is unambiguous, so this repair is exact; any other unknown name still fails
    validation and goes back to the model. The new actor carries the record's own evidence.
    """
    actors = list(data.get("actors") or [])
    known = {name_key(label) for a in actors if isinstance(a, dict)
             for label in [a.get("name", ""), *(a.get("aliases") or [])]
             if isinstance(label, str)}  # a number as a name is the schema's error to report, not a crash
    for list_name, fields in ROLE_FIELDS.items():
        for record in data.get(list_name) or []:
            if not isinstance(record, dict):
                continue
            for field in fields:
                values = record.get(field)
                for value in values if isinstance(values, list) else [values]:
                    code = _is_country(value) if isinstance(value, str) and name_key(value) not in known else None
                    if code:
                        actors.append({"name": value, "kind": "state", "country": code,
                                       "evidence": list(record.get("evidence") or [])[:1], "confidence": 0.5})
                        known.add(name_key(value))
    return {**data, "actors": actors}


def actor_index(actors: list[Actor]) -> dict[str, str]:
    """Map every case-folded name and alias to the actor's canonical name."""
    index: dict[str, str] = {}
    for actor in actors:
        for label in [actor.name, *actor.aliases]:
            index.setdefault(name_key(label), actor.name)
    return index


def role_values(record: Strict, field: str) -> list[str]:
    value = getattr(record, field)
    return list(value) if isinstance(value, list) else [value]


def check_roles(container: Strict, actors: list[Actor]) -> None:
    """Every supplier, recipient, participant, sender and host must name an extracted actor."""
    index = actor_index(actors)
    missing: list[str] = []
    for list_name, fields in ROLE_FIELDS.items():
        for i, record in enumerate(getattr(container, list_name, [])):
            for field in fields:
                missing += [
                    f"{list_name}[{i}].{field} = {v!r}" for v in role_values(record, field) if name_key(v) not in index
                ]
    if missing:
        known = ", ".join(sorted({a.name for a in actors})) or "none"
        raise ValueError(
            "these role fields name no actor in `actors`: "
            + "; ".join(missing)
            + f". Add each one to `actors` (with evidence) or use one of: {known}"
        )


def same_party(list_name: str, record: Strict, index: dict[str, str]) -> str | None:
    """Why a record joins an actor to itself, or None. A transfer or deployment links two different
    actors; a meeting needs two different participants. (The negative dev article produced a
    Finland → Finland "transfer".)"""

    def canon(name: str) -> str:
        name = index.get(name_key(name), name)
        return _is_country(name) or name_key(name)  # "Moscova" and "Kremlin" are one party

    if list_name == "transfers" and canon(record.supplier) == canon(record.recipient):
        return f"supplier and recipient are both {record.supplier!r}"
    if list_name == "deployments" and canon(record.sender) == canon(record.host):
        return f"sender and host are both {record.sender!r}"
    if list_name == "meetings" and len({canon(p) for p in record.participants}) < 2:
        return "fewer than two different participants"
    return None


def check_distinct(container: Strict, actors: list[Actor]) -> None:
    index = actor_index(actors)
    wrong = [f"{name}[{i}]: {why}" for name in ROLE_FIELDS for i, r in enumerate(getattr(container, name, []))
             if (why := same_party(name, r, index))]
    if wrong:
        raise ValueError("; ".join(wrong) + ". Remove these records, or name the other party.")


class ActorList(Strict):
    """First pass of the per-type strategy: only the actors."""

    actors: list[Actor] = Field(default_factory=list, max_length=40)


class _RoleChecked(Strict):
    """Role fields name actors (listed here or passed as context `actors`), countries are added."""

    @model_validator(mode="before")
    @classmethod
    def _add_country_actors(cls, data: Any) -> Any:
        return add_country_actors(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _roles_name_actors(self, info: ValidationInfo) -> Any:
        known = list((info.context or {}).get("actors", []))
        check_roles(self, [*self.actors, *known])
        check_distinct(self, [*self.actors, *known])
        return self


class Extraction(_RoleChecked):
    """Everything one article says about actors, transfers, meetings and deployments."""

    # Caps keep a looping small model from generating until the token limit.
    actors: list[Actor] = Field(default_factory=list, max_length=40)
    transfers: list[Transfer] = Field(default_factory=list, max_length=25)
    meetings: list[Meeting] = Field(default_factory=list, max_length=15)
    deployments: list[Deployment] = Field(default_factory=list, max_length=15)

    def count(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in type(self).model_fields}


class Events(_RoleChecked):
    """The events, given actors already known: the second pass of `per-type`, and the follow-up
    when a single answer was cut off in its actor list. Events come first, so a model that loops
    over actors cannot use up the answer before reaching them."""

    transfers: list[Transfer] = Field(default_factory=list, max_length=25)
    meetings: list[Meeting] = Field(default_factory=list, max_length=15)
    deployments: list[Deployment] = Field(default_factory=list, max_length=15)
    actors: list[Actor] = Field(default_factory=list, max_length=20, description="only actors not yet known")


# Role fields per record list, from the models' own ROLES (the kind registry, schemas.kinds, reads them too).
ROLE_FIELDS: dict[str, tuple[str, ...]] = {
    name: roles for name, info in Extraction.model_fields.items()
    if (roles := getattr(get_args(info.annotation)[0], "ROLES", ()))
}
