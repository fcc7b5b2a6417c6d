"""Provider registry: name → class, and the default choice when none is named.

Classes are imported when chosen, so the embedded model's module is not loaded for a remote run."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from extract.providers.base import ConfigError, Provider, ProviderError, Settings, Usage

REGISTRY: dict[str, str] = {
    "local": "extract.providers.local:LocalProvider",
    "openai": "extract.providers.openai_compat:OpenAIProvider",
    "openai-compatible": "extract.providers.openai_compat:OpenAICompatibleProvider",
    "replay": "extract.providers.replay:ReplayProvider",
}
NAMES = tuple(REGISTRY)


def default_provider_name(base_url: str | None) -> str:
    """Base URL → that server; OPENAI_API_KEY → OpenAI; otherwise the embedded model."""
    if base_url:
        return "openai-compatible"
    if os.environ.get("OPENAI_API_KEY"):
        return "openai"
    return "local"


def provider_class(name: str) -> type[Provider]:
    if name not in REGISTRY:
        raise ConfigError(f"unknown provider {name!r}; choose one of {', '.join(NAMES)}")
    module, cls = REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), cls)


def make_provider(
    name: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    fixtures: Path | None = None,
    timeout_s: float | None = None,
) -> Provider:
    """The named backend (or the default one); `timeout_s` per model call, retries included, None for
    the backend's own default (300 s remote, 900 s for the embedded model, whose long answers take
    minutes on 2 cores)."""
    name = name or default_provider_name(base_url)
    return provider_class(name).from_settings(Settings(model, base_url, fixtures, timeout_s))


__all__ = ["NAMES", "ConfigError", "Provider", "ProviderError", "Usage", "default_provider_name", "make_provider"]
