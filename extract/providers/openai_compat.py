"""OpenAI and any OpenAI-compatible server (vLLM, Ollama, llama.cpp server) via the openai SDK."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from extract.providers.base import Provider, ProviderError


@dataclass
class OpenAIProvider(Provider):
    base_url: str | None = None
    timeout_s: float = 300.0
    temperature: float = 0.0
    name: str = "openai"

    def __post_init__(self) -> None:
        key = os.environ.get("OPENAI_API_KEY")
        if self.base_url is None and not key:
            raise ProviderError("provider 'openai' needs OPENAI_API_KEY in the environment (or use --base-url)")
        self._client = openai.OpenAI(
            api_key=key or "not-needed", base_url=self.base_url, timeout=self.timeout_s, max_retries=2
        )

    def params(self) -> dict[str, Any]:
        # The key stays out: only the fact that a base URL was used and which one.
        return {**super().params(), "base_url": self.base_url, "temperature": self.temperature}

    def raw_create(self, **kwargs: Any) -> ChatCompletion:
        kwargs.setdefault("temperature", self.temperature)
        try:
            return self._client.chat.completions.create(model=self.model, **kwargs)
        except openai.APITimeoutError as exc:
            raise ProviderError(f"{self.name}: request timed out after {self.timeout_s:.0f} s") from exc
        except openai.AuthenticationError as exc:
            raise ProviderError(f"{self.name}: authentication failed; check OPENAI_API_KEY") from exc
        except openai.APIConnectionError as exc:
            raise ProviderError(f"{self.name}: cannot reach {self.base_url or 'api.openai.com'}") from exc
        except openai.APIStatusError as exc:
            raise ProviderError(f"{self.name}: HTTP {exc.status_code}: {exc.message}") from exc
