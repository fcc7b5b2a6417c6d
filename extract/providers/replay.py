"""Replay recorded (or hand-written) model responses: for tests and demos, fully offline.

A fixture is a JSON file {"match": [substrings], "responses": [assistant contents]}. A request
is answered by the fixture whose every `match` string occurs in the request's article (compared
with whitespace collapsed, so an opening recorded across a line break still matches); successive
requests for it (validation re-asks, passes) take successive responses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from extract.providers.base import Capability, ConfigError, Provider, ProviderError, Reply, Settings, completion

_OPEN, _CLOSE = "<article>\n", "\n</article>"


def article_of(messages: list[dict]) -> str:
    """The article of the last user message that carries one: from the first opening delimiter to
    the LAST closing one, so an article that itself contains '</article>' is kept whole."""
    user = next((m["content"] for m in reversed(messages) if m["role"] == "user" and _OPEN in m["content"]), "")
    if not user:
        return ""
    body = user.split(_OPEN, 1)[1]
    return body.rsplit(_CLOSE, 1)[0] if _CLOSE in body else body


def flat(text: str) -> str:
    """Whitespace collapsed: how fixtures are matched."""
    return " ".join(text.split())


def fixture_key(messages: list[dict]) -> tuple[str, str]:
    """File stem and match string for a recording of this request."""
    article = article_of(messages)
    return hashlib.sha256(article.encode()).hexdigest()[:16], flat(article)[:80]


@dataclass
class ReplayProvider(Provider):
    name: ClassVar[str] = "replay"
    capability: ClassVar[Capability] = "json"
    instant: ClassVar[bool] = True
    model: str = "replay"
    fixtures: Path = Path("tests/fixtures/replay")
    _served: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> ReplayProvider:
        return cls(model=settings.model or cls.model, fixtures=settings.fixtures or cls.fixtures)

    def __post_init__(self) -> None:
        if not self.fixtures.is_dir():
            raise ConfigError(f"replay: fixture folder {self.fixtures} does not exist")
        self._fixtures = [
            (p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(self.fixtures.glob("*.json"))
        ]
        if not self._fixtures:
            raise ConfigError(f"replay: fixture folder {self.fixtures} holds no .json fixture")

    def params(self) -> dict[str, Any]:
        return {**super().params(), "fixtures": str(self.fixtures)}

    def raw_create(self, **request: Any) -> Reply:
        article = flat(article_of(request["messages"]))
        for name, fixture in self._fixtures:
            if all(flat(m) in article for m in fixture["match"]):
                served = self._served.get(name, 0)
                if served >= len(fixture["responses"]):
                    raise ProviderError(f"replay: fixture {name} has no response left (served {served})")
                self._served[name] = served + 1
                return Reply(completion("replay", fixture["responses"][served], self.model))
        raise ProviderError(f"replay: no fixture in {self.fixtures} matches this article")
