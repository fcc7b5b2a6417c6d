"""OpenAI and any OpenAI-compatible server (vLLM, Ollama, llama.cpp server) via the openai SDK.

The SDK's own retries are off: `transport.call` is the one retry layer (see there)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, ClassVar

from extract.providers.base import Capability, ConfigError, Provider, Reply, Settings
from extract.providers.transport import RetryPolicy, call, check_completion, guard_http_logs, openai_client, where
from extract.redact import safe_url


@dataclass
class OpenAIProvider(Provider):
    """api.openai.com with tool calls (the most reliable structured output there)."""

    name: ClassVar[str] = "openai"
    capability: ClassVar[Capability] = "tools"
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    timeout_s: float = 300.0
    temperature: float = 0.0
    attempts: int = 3

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIProvider:
        return cls(model=settings.model or cls.model, base_url=settings.base_url,
                   timeout_s=settings.timeout_s or cls.timeout_s)

    def __post_init__(self) -> None:
        key = os.environ.get("OPENAI_API_KEY")
        if self.base_url is None and not key:
            raise ConfigError(f"provider '{self.name}' needs OPENAI_API_KEY in the environment (or use --base-url)")
        if self.timeout_s <= 0:
            raise ConfigError(f"--timeout must be more than 0 seconds, not {self.timeout_s:g}")
        guard_http_logs()
        self._where = where(self.base_url)
        self._policy = RetryPolicy(budget_s=self.timeout_s, attempts=self.attempts)
        self._client = openai_client(self.base_url, self.timeout_s)

    def params(self) -> dict[str, Any]:
        # The key stays out, and so do URL userinfo and query strings.
        return {**super().params(), "base_url": safe_url(self.base_url) or None, "temperature": self.temperature}

    def raw_create(self, **request: Any) -> Reply:
        request.setdefault("temperature", self.temperature)
        start = time.perf_counter()
        answer = call(lambda timeout: self._client.chat.completions.create(model=self.model, timeout=timeout,
                                                                          **request),
                      self._policy, self._where, self.name)
        return Reply(check_completion(answer, self.name, self._where), time.perf_counter() - start)


@dataclass
class OpenAICompatibleProvider(OpenAIProvider):
    """A server at --base-url; JSON mode, which every compatible server implements."""

    name: ClassVar[str] = "openai-compatible"
    capability: ClassVar[Capability] = "json"
    model: str = "default"

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAICompatibleProvider:
        if not settings.base_url:
            raise ConfigError("provider 'openai-compatible' needs --base-url, e.g. http://127.0.0.1:8080/v1")
        return super().from_settings(settings)
