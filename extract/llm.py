"""Structured calls: instructor fills a pydantic model; validation errors go back to the model."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from extract.providers.base import Provider, ProviderError

T = TypeVar("T", bound=BaseModel)


class ExtractionFailed(RuntimeError):
    """The model gave no valid answer within the allowed retries; the message says what was wrong.
    `raw` keeps the last answer, for salvage."""

    def __init__(self, message: str, raw: str | None = None) -> None:
        super().__init__(message)
        self.raw = raw


def _last_answer(exc: BaseException) -> str | None:
    completion = getattr(exc, "last_completion", None)
    try:
        return completion.choices[0].message.content if completion else None
    except (AttributeError, IndexError):
        return None


def structured(
    provider: Provider,
    messages: list[dict[str, str]],
    response_model: type[T],
    max_retries: int = 2,
    context: dict[str, Any] | None = None,
    temperature: float | None = None,
) -> T:
    client = provider.instructor_client()
    extra = {} if temperature is None else {"temperature": temperature}
    try:
        return client.chat.completions.create(
            response_model=response_model,
            messages=messages,
            max_retries=max_retries + 1,  # instructor counts attempts, we count re-asks
            validation_context=context or {},
            strict=False,
            **extra,
        )
    except ProviderError:
        raise
    except ValidationError as exc:
        raise ExtractionFailed(f"model output failed validation after {max_retries} re-asks: {_short(exc)}") from exc
    except Exception as exc:  # instructor wraps retries in tenacity/its own errors
        cause = exc.__cause__ or exc
        if isinstance(cause, ProviderError):
            raise cause from exc
        last = getattr(cause, "last_attempt", None)
        if last is not None and last.exception() is not None:
            cause = last.exception()
        if isinstance(cause, ProviderError):
            raise cause from exc
        raise ExtractionFailed(f"no valid model output after {max_retries} re-asks: {_short(cause)}",
                               _last_answer(exc)) from exc


def _short(exc: BaseException, limit: int = 600) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + " …"
