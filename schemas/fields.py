"""Field types shared by predictions and gold: enums, ISO codes, partial dates, ranges.

Validators are lenient on *form* (a country written as "Russia" becomes "RUS") and strict on
*meaning* (an unknown country is an error that instructor sends back to the model).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from schemas.names import country_code


class Strict(BaseModel):
    """Base for every record: unknown keys are errors (no silent typos in gold or output)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class ActorKind(StrEnum):
    state = "state"
    government_body = "government_body"
    armed_forces = "armed_forces"
    armed_group = "armed_group"
    person = "person"
    company = "company"
    international_org = "international_org"
    other = "other"


class Category(StrEnum):
    aircraft = "aircraft"
    drone = "drone"
    air_defence = "air_defence"
    armoured_vehicle = "armoured_vehicle"
    artillery = "artillery"
    ammunition = "ammunition"
    missile = "missile"
    ship = "ship"
    naval_weapon = "naval_weapon"
    small_arms = "small_arms"
    sensor = "sensor"
    engine = "engine"
    technology = "technology"
    other = "other"


class Status(StrEnum):
    proposed = "proposed"
    negotiating = "negotiating"
    agreed = "agreed"
    delivering = "delivering"
    delivered = "delivered"
    cancelled = "cancelled"
    unknown = "unknown"


class MeetingFormat(StrEnum):
    summit = "summit"
    bilateral = "bilateral"
    multilateral = "multilateral"
    visit = "visit"
    call = "call"
    other = "other"


class Certainty(StrEnum):
    confirmed = "confirmed"
    reported = "reported"
    alleged = "alleged"
    denied = "denied"


_PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def partial_date(value: object, info: ValidationInfo | None = None) -> object:
    """A partial ISO date 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; empty strings mean unknown.

    Written-out dates ("septembrie 2023", "last March") are parsed with dateparser, relative
    ones against the `published` date in the validation context, keeping their precision.
    """
    if value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("a date must be a string 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")
    text = value.strip()
    if not text or text.lower() in {"null", "none", "unknown"}:
        return None
    if not _PARTIAL_DATE.match(text):
        written = any(c.isalpha() for c in text)  # "septembrie 2023", not a malformed "2024-13"
        parsed = written and _parse_written_date(text, (info.context or {}).get("published") if info else None)
        if parsed:
            return parsed
        raise ValueError(f"{value!r} is not a partial ISO date; write 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")
    return text


def _parse_written_date(text: str, published: str | None) -> str | None:
    import dateparser
    from dateparser.date import DateDataParser

    settings: dict = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]}
    if published and _PARTIAL_DATE.match(published):
        base = dateparser.parse(published, settings={"PREFER_DAY_OF_MONTH": "first"})
        if base:
            settings = {"PREFER_DAY_OF_MONTH": "first", "RELATIVE_BASE": base}
    data = DateDataParser(settings=settings).get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    fmt = {"year": "%Y", "month": "%Y-%m"}.get(data.period or "day", "%Y-%m-%d")
    return data.date_obj.strftime(fmt)


CountryCode = Annotated[str | None, BeforeValidator(country_code)]
PartialDate = Annotated[str | None, BeforeValidator(partial_date)]
Confidence = Annotated[float, Field(ge=0.0, le=1.0)]


def _no_blank(items: list[str]) -> list[str]:
    return [i for i in (s.strip() for s in items) if i]


Quotes = Annotated[list[str], AfterValidator(_no_blank)]


class When(Strict):
    start: PartialDate = None
    end: PartialDate = None

    @model_validator(mode="after")
    def _ordered(self) -> When:
        if self.start and self.end and self.end[: len(self.start)] < self.start[: len(self.end)]:
            raise ValueError(f"when.end {self.end} is before when.start {self.start}")
        return self


class Range(Strict):
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    text: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"range max {self.max} is below min {self.min}")
        return self


class Location(Strict):
    place: str | None = None
    country: CountryCode = None
