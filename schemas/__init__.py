"""Pydantic models for sitrep records, shared by the extractor, the store and the eval harness."""

from schemas.fields import (
    ActorKind,
    Category,
    Certainty,
    Location,
    MeetingFormat,
    Range,
    Status,
    When,
)
from schemas.gold import GoldError, GoldFile, load_gold
from schemas.records import SCHEMA_VERSION, Actor, Deployment, Extraction, Meeting, Transfer, Weapon

__all__ = [
    "SCHEMA_VERSION", "Actor", "ActorKind", "Category", "Certainty", "Deployment", "Extraction",
    "GoldError", "GoldFile", "Location", "Meeting", "MeetingFormat", "Range", "Status", "Transfer",
    "Weapon", "When", "load_gold",
]
