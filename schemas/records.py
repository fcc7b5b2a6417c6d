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

from schemas import role_rule
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
from schemas.names import name_key as name_key  # re-exported: how callers compare names
from schemas.role_rule import actor_index as actor_index  # re-exported

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


class ActorList(Strict):
    """First pass of the per-type strategy: only the actors."""

    actors: list[Actor] = Field(default_factory=list, max_length=40)


class _RoleChecked(Strict):
    """Role fields name actors (listed here or passed as context `actors`), countries are added."""

    @model_validator(mode="before")
    @classmethod
    def _add_country_actors(cls, data: Any) -> Any:
        return role_rule.add_country_actors(data, role_rule.role_lists(cls)) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _roles_name_actors(self, info: ValidationInfo) -> Any:
        known = list((info.context or {}).get("actors", []))
        role_rule.check(self, [*self.actors, *known])
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
