"""Replay recorded (or hand-written) model responses: for tests and demos, fully offline.

A fixture is a JSON file {"match": [substrings], "responses": [assistant contents]}. A request
is answered by the fixture whose every `match` string occurs in the request's last user
message; successive requests for it (validation re-asks, passes) take successive responses.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import instructor
from openai.types.chat import ChatCompletion

from extract.providers.base import Provider, ProviderError, completion

_ARTICLE = re.compile(r"<article>\n(.*?)\n</article>", re.S)


def article_of(messages: list[dict]) -> str:
    user = next((m["content"] for m in reversed(messages) if m["role"] == "user" and "<article>" in m["content"]), "")
    found = _ARTICLE.search(user)
    return found.group(1) if found else user


def fixture_for(directory: Path, messages: list[dict]) -> tuple[Path, dict]:
    """The fixture file a recording of this request goes to (created when new)."""
    article = article_of(messages)
    opening = " ".join(article.split())[:80]
    path = directory / f"{hashlib.sha256(article.encode()).hexdigest()[:16]}.json"
    directory.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path, json.loads(path.read_text(encoding="utf-8"))
    return path, {"match": [opening], "responses": []}


@dataclass
class ReplayProvider(Provider):
    fixtures: Path = Path("tests/fixtures/replay")
    mode: instructor.Mode = instructor.Mode.JSON
    name: str = "replay"
    _served: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.fixtures.is_dir():
            raise ProviderError(f"replay: fixture folder {self.fixtures} does not exist")
        self._fixtures = [
            (p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(self.fixtures.glob("*.json"))
        ]

    def params(self) -> dict[str, Any]:
        return {**super().params(), "fixtures": str(self.fixtures)}

    def raw_create(self, **kwargs: Any) -> ChatCompletion:
        article = article_of(kwargs["messages"])
        for name, fixture in self._fixtures:
            if all(m in article for m in fixture["match"]):
                served = self._served.get(name, 0)
                if served >= len(fixture["responses"]):
                    raise ProviderError(f"replay: fixture {name} has no response left (served {served})")
                self._served[name] = served + 1
                return completion("replay", fixture["responses"][served], self.model)
        raise ProviderError(f"replay: no fixture in {self.fixtures} matches this article")
