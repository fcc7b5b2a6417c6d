"""One small interface for every model backend.

A provider turns OpenAI-style chat kwargs into an OpenAI ChatCompletion (`raw_create`).
Everything above it (instructor's structured output, validation, re-asks, metering, recording)
is shared, so OpenAI, an OpenAI-compatible server, the embedded model and replayed recordings
all go through the same code path.
"""

from __future__ import annotations

import json
import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import instructor
from openai.types.chat import ChatCompletion

log = logging.getLogger("sitrep.llm")


class ProviderError(RuntimeError):
    """A backend that cannot be used as configured; the message says how to fix it."""


def completion(source: str, content: str, model: str, finish: str = "stop", prompt_tokens: int = 0,
               completion_tokens: int = 0) -> ChatCompletion:
    """An OpenAI ChatCompletion for a backend that builds its own answer (replay, streamed local)."""
    return ChatCompletion.model_validate({
        "id": source, "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens}})


@dataclass
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.seconds += other.seconds


@dataclass
class Provider(ABC):
    model: str
    mode: instructor.Mode = instructor.Mode.JSON
    usage: Usage = field(default_factory=Usage)
    record_dir: Path | None = None

    name: str = "base"
    # Re-asks that pay off on this backend; pipeline Options left at None take these.
    default_max_retries: int = 2
    default_reask_ungrounded: bool = True
    # Set by a backend that cut its last answer short (the list it was writing), else None.
    cut_in: str | None = field(default=None, init=False)

    @abstractmethod
    def raw_create(self, **kwargs: Any) -> ChatCompletion:
        """Send one chat request, return the completion."""

    def params(self) -> dict[str, Any]:
        """What is stored with each run. Never a secret."""
        return {"mode": self.mode.value}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the backend (free a loaded model, stop a server)."""

    def _metered_create(self, **kwargs: Any) -> ChatCompletion:
        start = time.perf_counter()
        completion = self.raw_create(**kwargs)
        self.usage.calls += 1
        self.usage.seconds += time.perf_counter() - start
        seconds = time.perf_counter() - start
        usage = completion.usage
        if usage:
            self.usage.prompt_tokens += usage.prompt_tokens or 0
            self.usage.completion_tokens += usage.completion_tokens or 0
        log.info("%s call %d: %s prompt + %s completion tokens, %.1f s, finish=%s", self.name, self.usage.calls,
                 usage.prompt_tokens if usage else "?", usage.completion_tokens if usage else "?", seconds,
                 completion.choices[0].finish_reason if completion.choices else "?")
        if self.record_dir is not None:
            self._record(kwargs["messages"], completion)
        return completion

    def _record(self, messages: list[dict], completion: ChatCompletion) -> None:
        """Append the response to a replay fixture keyed by the article's opening words."""
        from extract.providers.replay import fixture_for

        path, fixture = fixture_for(self.record_dir, messages)
        fixture["responses"].append(completion.choices[0].message.content or "")
        path.write_text(json.dumps(fixture, ensure_ascii=False, indent=1), encoding="utf-8")

    def instructor_client(self) -> instructor.Instructor:
        return instructor.Instructor(
            client=None, create=instructor.patch(create=self._metered_create, mode=self.mode), mode=self.mode
        )
