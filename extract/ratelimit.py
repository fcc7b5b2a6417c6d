"""Client-side rate limits shared by every worker of a run: requests and tokens per minute.

Why here and not in the provider: with `--jobs N` the workers each hold their own provider, but
the account's limits are one budget. The limiter sits around each provider's `raw_create`, so
re-asks and passes are counted too. Defaults per provider are data (rates.toml); `--rpm`/`--tpm`
override them. On a 429 the limiter pauses every worker for the server's Retry-After and halves
its rate (adaptive slow-down); successes win the rate back a little at a time.
"""

from __future__ import annotations

import logging
import threading
import time
import tomllib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

log = logging.getLogger("sitrep.rate")
MIN_FACTOR = 1 / 64  # never slow below 1/64 of the configured rate
RECOVER = 1.05  # each success multiplies the rate factor by this, up to 1
CHARS_PER_TOKEN = 4  # estimate for a request's prompt before its usage is known


@dataclass(frozen=True)
class Limits:
    rpm: float | None = None
    tpm: float | None = None

    def __bool__(self) -> bool:
        return bool(self.rpm or self.tpm)


def default_limits(provider: str, model: str) -> Limits:
    """rates.toml's entry for this provider, with a per-model entry taking precedence."""
    data = tomllib.loads(resources.files("extract").joinpath("rates.toml").read_text(encoding="utf-8"))
    entry = data.get("providers", {}).get(provider, {})
    model_entry = entry.get("models", {}).get(model, {})
    return Limits(model_entry.get("rpm", entry.get("rpm")), model_entry.get("tpm", entry.get("tpm")))


class _Bucket:
    """A per-minute budget refilled continuously, holding at most 10 seconds' worth. A request
    larger than that waits for a full bucket and takes it below zero (a long prompt is never
    starved); the requests after it wait for the debt to be paid back."""

    def __init__(self, per_minute: float, now: float) -> None:
        self.per_minute = per_minute
        self.capacity = max(1.0, per_minute / 6)  # a burst of at most 10 seconds' worth
        self.level = self.capacity
        self.stamp = now

    def refill(self, now: float, factor: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.per_minute * factor / 60)
        self.stamp = now

    def wait(self, factor: float, cost: float) -> float:
        """Seconds until `cost` fits (a cost above the capacity waits for a full bucket)."""
        need = min(cost, self.capacity)
        return 0.0 if self.level >= need else (need - self.level) * 60 / (self.per_minute * factor)


class RateLimiter:
    """Thread-safe; `acquire` blocks the calling worker until the request fits the budget."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limits, self._clock, self._sleep = limits, clock, sleep
        self._lock = threading.Lock()
        now = clock()
        self._requests = _Bucket(limits.rpm, now) if limits.rpm else None
        self._tokens = _Bucket(limits.tpm, now) if limits.tpm else None
        self.factor = 1.0
        self._paused_until = 0.0
        self._recent: deque[float] = deque()  # request times in the last minute, to learn a limit
        self.throttles = 0

    def acquire(self, tokens: int) -> None:
        while True:
            with self._lock:
                now = self._clock()
                self._refill(now)
                waits = [self._requests.wait(self.factor, 1)] if self._requests else []
                waits += [self._tokens.wait(self.factor, tokens)] if self._tokens else []
                wait = max(self._paused_until - now, *waits, 0.0)
                if wait <= 0:
                    self._take(now, tokens)
                    return
            self._sleep(min(wait, 5.0))

    def _refill(self, now: float) -> None:
        for bucket in (self._requests, self._tokens):
            if bucket is not None:
                bucket.refill(now, self.factor)

    def _take(self, now: float, tokens: int) -> None:
        if self._requests:
            self._requests.level -= 1
        if self._tokens:
            self._tokens.level -= tokens
        self._recent.append(now)
        while self._recent and self._recent[0] < now - 60:
            self._recent.popleft()

    def settle(self, estimated: int, actual: int) -> None:
        """Correct the token budget once the answer says what the request really cost."""
        with self._lock:
            if self._tokens:
                self._tokens.level -= actual - estimated
            self.factor = min(1.0, self.factor * RECOVER)

    def throttled(self, retry_after: float | None) -> None:
        """A 429: every worker waits out Retry-After (or 1 s), and the rate halves. Without a
        configured rpm, the rate seen over the last minute (or since the start, at least 1 s) becomes
        the limit to slow down from."""
        with self._lock:
            now = self._clock()
            self.throttles += 1
            self._paused_until = max(self._paused_until, now + (retry_after if retry_after else 1.0))
            if self._requests is None:
                span = max(1.0, now - self._recent[0]) if self._recent else 60.0
                self._requests = _Bucket(max(1.0, len(self._recent) * 60 / span), now)
                self._requests.level = 0.0
            self.factor = max(MIN_FACTOR, self.factor / 2)
            log.warning("rate limited (429): pausing %.1f s, rate now %.0f%% of %s rpm",
                        self._paused_until - now, 100 * self.factor, f"{self._requests.per_minute:g}")

    @property
    def effective_rpm(self) -> float | None:
        return self._requests.per_minute * self.factor if self._requests else None


def estimate_tokens(kwargs: dict[str, Any]) -> int:
    """Prompt characters / 4, plus the answer budget when the request sets one."""
    chars = sum(len(str(m.get("content", ""))) for m in kwargs.get("messages", []))
    return chars // CHARS_PER_TOKEN + int(kwargs.get("max_tokens") or 0)


def retry_after(headers: Any) -> float | None:
    """Seconds from a Retry-After (or retry-after-ms) header; an HTTP date is not worth parsing here."""
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000
        return float(headers.get("retry-after")) if headers.get("retry-after") else None
    except (TypeError, ValueError):
        return None


def attach(provider: Any, limiter: RateLimiter) -> None:
    """Put the limiter around one provider's requests, and let it see every 429 the HTTP client
    receives (the SDK's own retries included), so all workers slow down, not only the one hit."""
    inner = provider.raw_create

    def limited(**kwargs: Any) -> Any:
        estimated = estimate_tokens(kwargs)
        limiter.acquire(estimated)
        answer = inner(**kwargs)
        usage = getattr(answer, "usage", None)
        limiter.settle(estimated, usage.total_tokens if usage and usage.total_tokens else estimated)
        return answer

    provider.raw_create = limited
    http = getattr(getattr(provider, "_client", None), "_client", None)  # openai.OpenAI → httpx.Client
    hooks = getattr(http, "event_hooks", None)
    if isinstance(hooks, dict):
        def on_response(response: Any) -> None:
            if response.status_code == 429:
                limiter.throttled(retry_after(response.headers))

        http.event_hooks = {**hooks, "response": [*hooks.get("response", []), on_response]}
