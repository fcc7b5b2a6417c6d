"""Gold files (spec: ../shared/spec/gold-format.md) read with the prediction models.

A gold record is a prediction record plus gold-only fields: `aliases` on weapons, `optional`;
evidence becomes optional help for annotators. `load_gold` turns any validation error into one
message that names the file and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from schemas import role_rule
from schemas.fields import PartialDate, Quotes, Strict
from schemas.records import Actor, Deployment, Meeting, Transfer, Weapon


class GoldActor(Actor):
    aliases: list[str] = Field(default_factory=list)  # no cap: annotators list every spelling
    evidence: Quotes = Field(default_factory=list)
    optional: bool = False


class GoldWeapon(Weapon):
    aliases: list[str] = Field(default_factory=list)


class GoldTransfer(Transfer):
    evidence: Quotes = Field(default_factory=list)
    weapon: GoldWeapon
    optional: bool = False


class GoldMeeting(Meeting):
    evidence: Quotes = Field(default_factory=list)
    optional: bool = False


class GoldDeployment(Deployment):
    evidence: Quotes = Field(default_factory=list)
    optional: bool = False


class GoldDocument(Strict):
    id: str = Field(min_length=1)
    text_file: str
    language: str | None = None
    published: PartialDate = None
    title: str | None = None


class GoldFile(Strict):
    format: Literal["gold/1"]
    document: GoldDocument
    actors: list[GoldActor] = Field(default_factory=list)
    transfers: list[GoldTransfer] = Field(default_factory=list)
    meetings: list[GoldMeeting] = Field(default_factory=list)
    deployments: list[GoldDeployment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _roles_name_actors(self) -> GoldFile:
        role_rule.check(self, list(self.actors), distinct=False)  # gold is read as written: roles must name actors
        return self


class GoldError(ValueError):
    """A gold file that cannot be read; the message names the file and the field."""


def load_gold(path: Path) -> tuple[GoldFile, str]:
    """Read one gold file and the text it annotates."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: cannot read gold JSON: {exc}") from exc
    try:
        gold = GoldFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors()
        )
        raise GoldError(f"{path}: {problems}") from exc
    text_path = (path.parent / gold.document.text_file).resolve()
    try:
        text = text_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GoldError(f"{path}: document.text_file {gold.document.text_file!r}: {exc}") from exc
    return gold, text
