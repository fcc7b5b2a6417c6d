"""One small interface for every model backend.

A provider sends one OpenAI-style chat request and returns a `Reply`: the ChatCompletion, the
seconds it took and, for a backend that cut its answer short, which list it cut. It declares a
plain `capability` (how it can be asked for JSON: tools, json_schema or json). Everything above
it (structured output, validation, re-asks, salvage) lives in `extract/llm.py`, the one module
that knows instructor, so OpenAI, an OpenAI-compatible server, the embedded model and replayed
recordings all go through the same code path and no provider depends on instructor.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:  # the openai package takes a second to import: `sitrep sql` and friends never need it
    from openai.types.chat import ChatCompletion

Capability = Literal["tools", "json_schema", "json"]


class ProviderError(RuntimeError):
    """A backend that cannot be used as configured, or that failed; the message says how to fix it.
    `usage` is what the structured call had spent before the failure (set by extract.llm)."""

    usage: Any = None


class ConfigError(ProviderError):
    """The backend is configured wrongly (a rejected key, no access): every document would fail the
    same way, so a batch stops at the first one instead of repeating the message per file."""


class BadAnswer(ProviderError):
    """The server answered, but not with a usable chat completion (an HTML page, no choices)."""


@dataclass
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage | None) -> None:
        if other is None:
            return
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.seconds += other.seconds


@dataclass(frozen=True)
class Reply:
    """One answered request. `cut_in` names the list a backend cut short (the loop guard), else None."""

    completion: ChatCompletion
    seconds: float = 0.0
    cut_in: str | None = None

    @property
    def usage(self) -> Usage:
        u = self.completion.usage
        return Usage(1, (u.prompt_tokens or 0) if u else 0, (u.completion_tokens or 0) if u else 0, self.seconds)


def completion(source: str, content: str, model: str, finish: str = "stop", prompt_tokens: int = 0,
               completion_tokens: int = 0) -> ChatCompletion:
    """An OpenAI ChatCompletion for a backend that builds its own answer (replay, streamed local)."""
    from openai.types.chat import ChatCompletion

    return ChatCompletion.model_validate({
        "id": source, "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens}})


def answer_text(completion: ChatCompletion | None) -> str | None:
    """What the model wrote: the message content, or the arguments of its tool call (tools capability)."""
    if completion is None or not completion.choices:
        return None
    message = completion.choices[0].message
    if message.content:
        return message.content
    calls = message.tool_calls or []
    function = getattr(calls[0], "function", None) if calls else None
    return function.arguments if function is not None else None


@dataclass
class Settings:
    """What the command line can say about a backend; each provider class takes what it needs."""

    model: str | None = None
    base_url: str | None = None
    fixtures: Path | None = None
    timeout_s: float | None = None


class Provider(ABC):
    """A backend. Subclasses are dataclasses with a `model` field and set `name` and `capability`."""

    name: ClassVar[str] = "base"
    capability: ClassVar[Capability] = "json"
    # Answers come at once (recorded ones): the store is not let go around the call, since closing
    # and reopening a DuckDB file costs 20-40 ms and nobody could read in between anyway.
    instant: ClassVar[bool] = False
    model: str

    @classmethod
    @abstractmethod
    def from_settings(cls, settings: Settings) -> Provider:
        """The provider as the command line configured it; raises ConfigError when it cannot be used."""

    @abstractmethod
    def raw_create(self, **request: Any) -> Reply:
        """Send one chat request (messages, response_format or tools, temperature), return the reply."""

    def params(self) -> dict[str, Any]:
        """What is stored with each run. Never a secret."""
        return {"capability": self.capability}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the backend (free a loaded model, stop a server)."""
