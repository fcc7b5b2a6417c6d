"""`Recording(provider, folder)`: any provider, with every answer saved as a replay fixture.

A wrapper rather than a flag on the base class: recording is one concern, it works for every
backend the same way, and the base class need not know the replay format. What is saved is the
answer text the model wrote — the message content, or the arguments of its tool call (the
`openai` provider answers with tool calls, whose content is empty) — so replay serves it back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extract.providers.base import Capability, ConfigError, Provider, Reply, Settings, answer_text
from extract.providers.replay import fixture_key


class Recording(Provider):
    def __init__(self, inner: Provider, folder: Path) -> None:
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"--record {folder}: not a folder")
        self.inner, self.folder = inner, folder
        self.model = inner.model

    @property  # type: ignore[override]
    def name(self) -> str:
        return self.inner.name

    @property  # type: ignore[override]
    def capability(self) -> Capability:
        return self.inner.capability

    @classmethod
    def from_settings(cls, settings: Settings) -> Provider:
        raise TypeError("wrap a provider: Recording(provider, folder)")

    def raw_create(self, **request: Any) -> Reply:
        reply = self.inner.raw_create(**request)
        self._save(request["messages"], answer_text(reply.completion) or "")
        return reply

    def _save(self, messages: list[dict], answer: str) -> None:
        stem, opening = fixture_key(messages)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{stem}.json"
        fixture = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"match": [opening],
                                                                                       "responses": []}
        fixture["responses"].append(answer)
        path.write_text(json.dumps(fixture, ensure_ascii=False, indent=1), encoding="utf-8")

    def params(self) -> dict[str, Any]:
        return self.inner.params()

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, attr: str) -> Any:  # count_tokens, context_limit … of the wrapped backend
        inner = self.__dict__.get("inner")
        if inner is None:
            raise AttributeError(attr)
        return getattr(inner, attr)
