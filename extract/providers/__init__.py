"""Provider registry: name → class, and the default choice when none is named."""

from __future__ import annotations

import os
from pathlib import Path

from extract.providers.base import Provider, ProviderError, Usage

NAMES = ("local", "openai", "openai-compatible", "replay")


def default_provider_name(base_url: str | None) -> str:
    """Base URL → that server; OPENAI_API_KEY → OpenAI; otherwise the embedded model."""
    if base_url:
        return "openai-compatible"
    if os.environ.get("OPENAI_API_KEY"):
        return "openai"
    return "local"


def make_provider(
    name: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    fixtures: Path | None = None,
    timeout_s: float | None = None,
) -> Provider:
    """The named backend (or the default one); `timeout_s` per request, None for the backend's own
    default (300 s remote, 900 s for the embedded model, whose long answers take minutes on 2 cores)."""
    name = name or default_provider_name(base_url)
    if name == "local":
        from extract.providers.local import LocalProvider

        return LocalProvider(model=model or "", **({"timeout_s": timeout_s} if timeout_s else {}))
    if name == "openai":
        import instructor

        from extract.providers.openai_compat import OpenAIProvider

        return OpenAIProvider(model=model or "gpt-4o-mini", mode=instructor.Mode.TOOLS, timeout_s=timeout_s or 300.0)
    if name == "openai-compatible":
        if not base_url:
            raise ProviderError("provider 'openai-compatible' needs --base-url, e.g. http://127.0.0.1:8080/v1")
        from extract.providers.openai_compat import OpenAIProvider

        return OpenAIProvider(model=model or "default", base_url=base_url, timeout_s=timeout_s or 300.0,
                              name="openai-compatible")
    if name == "replay":
        from extract.providers.replay import ReplayProvider

        return ReplayProvider(model=model or "replay", fixtures=fixtures or Path("tests/fixtures/replay"))
    raise ProviderError(f"unknown provider {name!r}; choose one of {', '.join(NAMES)}")


__all__ = ["NAMES", "Provider", "ProviderError", "Usage", "default_provider_name", "make_provider"]
