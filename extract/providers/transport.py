"""The one retry layer for transport errors, and a name for every way a server answer can be unusable.

Why here: the openai client retried on its own (2 retries) and instructor re-ran each failed call
(3 attempts), so one 500 cost 9 requests and one hung request 9 × --timeout. Now the SDK's
retries are off (`max_retries=0`), instructor re-asks only on validation errors, and this module
retries what is worth retrying (connection errors, 408/409/429/5xx) a bounded number of times,
waiting what the server asks (Retry-After) or an exponential backoff, all within one --timeout
budget per call. A rejected key (401/403) or a wrong address (404) is a ConfigError: every
document would fail the same way, so the batch stops. Messages pass through `redact` because an
error body may echo the Authorization header.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2
import openai
from openai.types.chat import ChatCompletion
from tenacity import RetryCallState, Retrying, retry_if_exception

from extract.providers.base import BadAnswer, ConfigError, ProviderError
from extract.redact import redact, safe_url

log = logging.getLogger("sitrep.llm")
T = TypeVar("T")
RETRY_STATUS = {408, 409, 429} | set(range(500, 600))
CONFIG_STATUS = {401: "the server rejected the key; check OPENAI_API_KEY",
                 403: "the key has no access to this model or endpoint; check OPENAI_API_KEY and --model",
                 404: "no such model or endpoint; check --base-url (it ends in /v1) and --model"}
HTTP_LOGGERS = ("httpx", "httpx2", "httpcore", "httpcore.connection", "httpcore.http11", "openai",
                "openai._base_client")  # a filter applies only to the logger it is added to


@dataclass(frozen=True)
class RetryPolicy:
    """At most `attempts` requests per call, all within `budget_s` seconds (the --timeout)."""

    budget_s: float = 300.0
    attempts: int = 3
    backoff_s: float = 0.5  # first wait without Retry-After; doubles, with jitter
    max_backoff_s: float = 8.0


def transient(exc: BaseException) -> bool:
    """Worth another request: the connection failed or the server said 'later'. Not a timeout: it
    already used the whole budget."""
    if isinstance(exc, openai.APITimeoutError):
        return False
    if isinstance(exc, openai.APIConnectionError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code in RETRY_STATUS


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After or retry-after-ms), if it said."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000
        return float(headers["retry-after"]) if headers.get("retry-after") else None
    except (TypeError, ValueError):
        return None  # an HTTP date: fall back to the backoff


def call(send: Callable[[float], T], policy: RetryPolicy, where: str, name: str) -> T:
    """`send(timeout_s)` with bounded retries; any failure becomes a ProviderError naming what happened."""
    start = time.monotonic()
    waits: dict[int, float] = {}
    out_of_time = [False]

    def remaining() -> float:
        return policy.budget_s - (time.monotonic() - start)

    def wait(state: RetryCallState) -> float:
        """What the server asked for, else exponential backoff with jitter; computed once per attempt."""
        if state.attempt_number not in waits:
            asked = retry_after(state.outcome.exception() if state.outcome else None)
            backoff = min(policy.max_backoff_s, policy.backoff_s * 2 ** (state.attempt_number - 1))
            waits[state.attempt_number] = asked if asked is not None else backoff * random.uniform(0.8, 1.2)
        return waits[state.attempt_number]

    def stop(state: RetryCallState) -> bool:
        """Bounded attempts, and no retry whose wait would run past the --timeout budget."""
        if state.attempt_number >= policy.attempts:
            return True
        out_of_time[0] = wait(state) + 0.1 >= remaining()
        return out_of_time[0]

    retrying = Retrying(stop=stop, wait=wait, retry=retry_if_exception(transient), reraise=True,
                        before_sleep=lambda s: log.warning("%s: %s; retry %d in %.1f s", name, _describe(
                            s.outcome.exception(), policy, where), s.attempt_number, waits[s.attempt_number]))
    attempts = 0

    def attempt() -> T:
        nonlocal attempts
        attempts += 1
        return send(max(remaining(), 0.1))

    try:
        return retrying(attempt)
    except openai.APIError as exc:
        tries = f" ({attempts} attempts in {time.monotonic() - start:.1f} s)" if attempts > 1 else ""
        late = f"; a retry would run past --timeout {policy.budget_s:g} s" if out_of_time[0] and transient(exc) else ""
        message = f"{name}: {_describe(exc, policy, where)}{tries}{late}"
        status = getattr(exc, "status_code", None)
        raise (ConfigError if status in CONFIG_STATUS else ProviderError)(redact(message)) from None


def _describe(exc: BaseException | None, policy: RetryPolicy, where: str) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return f"no answer from {where} within {policy.budget_s:g} s (--timeout)"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot reach {where}"
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code in CONFIG_STATUS:
            return f"HTTP {exc.status_code} from {where}: {CONFIG_STATUS[exc.status_code]}"
        asked = retry_after(exc)
        later = f", retry after {asked:g} s" if exc.status_code == 429 and asked is not None else ""
        body = exc.body.get("message") if isinstance(exc.body, dict) else None
        detail = " ".join(str(body or exc.message).split())[:300]
        return f"HTTP {exc.status_code} from {where}{later}: {detail}"
    return " ".join(str(exc).split())[:300]


def check_completion(answer: Any, name: str, where: str) -> ChatCompletion:
    """The answer as a usable ChatCompletion, or a BadAnswer that says what came back instead."""
    if not isinstance(answer, ChatCompletion):
        text = " ".join(str(answer).split())[:120]
        kind = "an HTML page" if "<html" in text.lower() else f"{type(answer).__name__} {text!r}"
        raise BadAnswer(redact(f"{name}: {where} answered with {kind}, not a chat completion "
                               "(is --base-url the API address, ending in /v1?)"))
    if not answer.choices:
        raise BadAnswer(f"{name}: {where} answered with no choices (empty 'choices' list)")
    return answer


class _Redact(logging.Filter):
    """Log records of the HTTP stack with keys, URL userinfo and query strings masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        return True


def guard_http_logs() -> None:
    """The HTTP client logs every request URL at INFO (a key in --base-url userinfo with it): keep
    those loggers at WARNING unless SITREP_LOG asks for more, and redact what they do log."""
    wanted = os.environ.get("SITREP_LOG")
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if not wanted:
            logger.setLevel(logging.WARNING)
        if not any(isinstance(f, _Redact) for f in logger.filters):
            logger.addFilter(_Redact())


def where(base_url: str | None) -> str:
    return safe_url(base_url) if base_url else "api.openai.com"


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle costs ~30 ms of CPU; the SDK would load it again for every client."""
    return httpx2.create_ssl_context()


def openai_client(base_url: str | None, timeout: float, max_retries: int = 0) -> openai.OpenAI:
    """An SDK client with the SDK's own HTTP defaults, sharing one TLS context per process."""
    key = os.environ.get("OPENAI_API_KEY") or "not-needed"
    http = openai.DefaultHttpxClient(timeout=timeout, verify=_ssl_context())
    return openai.OpenAI(api_key=key, base_url=base_url, timeout=timeout, max_retries=max_retries, http_client=http)
