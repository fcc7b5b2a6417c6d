"""The structured call: one request (and its re-asks) that fills a pydantic model.

This is the only module that knows instructor, and it uses only its public API: `patch` around
the provider's plain `raw_create`, `create_with_completion`, the `completion:response` hook for
usage, and the fields of `InstructorRetryException` / `IncompleteOutputException`. Each response
model is wrapped once (`response_schema`), and the validators' context travels beside instructor,
not through it (`_validating_with`): the per-request cost, and an article is never a template. instructor
re-asks only on validation errors (transport errors are retried once, in
extract/providers/transport.py). When every re-ask fails, or the answer was cut at the token
limit, the valid records of the last answer are kept (extract/salvage.py) and the dropped ones
named in `notes`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import re
import textwrap
import weakref
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import instructor
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel

from extract.providers.base import Capability, Provider, ProviderError, Usage, answer_text
from extract.providers.loopguard import close_json
from extract.salvage import salvage

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger("sitrep.llm")
MODES: dict[Capability, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS, "json_schema": instructor.Mode.JSON_SCHEMA, "json": instructor.Mode.JSON}
# What the validators see (`info.context`) during one structured call, on this thread: see response_schema.
VALIDATION_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("sitrep_validation_context", default=None)
if not os.environ.get("SITREP_LOG"):
    # instructor logs every failed attempt at ERROR; sitrep reports the outcome itself, once.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class ReaskPolicy:
    """How validation errors are answered: up to `max_retries` re-asks, the first request sampled at
    `temperature` (None: the provider's own), re-asks at `reask_temperature` when set (at
    temperature 0 a small model answers a correction with the same output, token for token)."""

    max_retries: int = 2
    temperature: float | None = None
    reask_temperature: float | None = None
    salvage: bool = True  # when every re-ask fails, keep the valid records of the last answer

    def temperature_for(self, attempt: int) -> float | None:
        if attempt > 1 and self.reask_temperature is not None:
            return max(self.temperature or 0.0, self.reask_temperature)
        return self.temperature

    def followup(self) -> ReaskPolicy:
        """For a request that is itself a correction (the pipeline's ungrounded-quote re-ask): sampled as a
        re-ask, and no salvage (the caller keeps its first, valid answer instead)."""
        return ReaskPolicy(self.max_retries, self.temperature_for(2), self.reask_temperature, salvage=False)


@dataclass(frozen=True)
class ReaskDefaults:
    """What a provider gets when the user does not choose: re-asks, the ungrounded-quote re-ask,
    and the re-ask temperature. Kept here, on the pipeline side, not on the providers."""

    max_retries: int = 2
    reask_ungrounded: bool = True
    reask_temperature: float | None = None


# Measured on the dev set: re-asks to the 1.5B embedded model mostly return the same answer (also at
# temperature 0.3) and double the time per article; salvage keeps the valid records instead.
REASK_DEFAULTS: dict[str, ReaskDefaults] = {"local": ReaskDefaults(0, False, 0.3)}


def reask_defaults(provider_name: str) -> ReaskDefaults:
    return REASK_DEFAULTS.get(provider_name, ReaskDefaults())


@dataclass
class Structured(Generic[T]):
    """A validated answer: the model object, the text the model wrote, notes on what salvage
    dropped or what cut the answer short, the usage of every request, and the list a backend cut."""

    result: T
    raw: str
    notes: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    cut_in: str | None = None


class ExtractionFailed(RuntimeError):
    """No valid record within the allowed re-asks; the message says what was wrong. `raw` keeps the
    last answer, `usage` what the requests cost."""

    def __init__(self, message: str, raw: str | None = None, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.raw = raw
        self.usage = usage or Usage()


def structured(provider: Provider, messages: list[dict[str, Any]], response_model: type[T],
               context: dict[str, Any] | None = None, policy: ReaskPolicy | None = None) -> Structured[T]:
    """Ask `provider` for a `response_model` (any pydantic model, created with create_model too);
    validators see `context`. Raises ProviderError (with `.usage`) or ExtractionFailed."""
    policy = policy or ReaskPolicy()
    context = context or {}
    usage = Usage()
    cut: list[str | None] = [None]
    attempts, rendered = [0], [0]

    def create(**request: Any) -> Any:
        attempts[0] += 1
        if attempts[0] == 1 and context:  # the messages instructor's templating used to render
            rendered[0] = len(request["messages"])
        request["messages"] = [_as_rendered(m) if i < rendered[0] else m for i, m in enumerate(request["messages"])]
        temperature = policy.temperature_for(attempts[0])
        if temperature is not None:
            request["temperature"] = temperature
        reply = provider.raw_create(**request)
        usage.seconds += reply.seconds
        cut[0] = reply.cut_in
        return reply.completion

    def count(response: Any) -> None:
        tokens = getattr(response, "usage", None)
        usage.calls += 1
        usage.prompt_tokens += getattr(tokens, "prompt_tokens", 0) or 0
        usage.completion_tokens += getattr(tokens, "completion_tokens", 0) or 0

    mode = MODES[provider.capability]
    client = instructor.Instructor(client=None, create=instructor.patch(create=create, mode=mode), mode=mode)
    client.on("completion:response", count)
    try:
        with _validating_with(context):  # not instructor's `context`: that renders the messages as templates
            result, completion = client.create_with_completion(
                messages=messages, response_model=response_schema(response_model), max_retries=policy.max_retries,
                strict=False)
    except IncompleteOutputException as exc:
        if not policy.salvage:
            raise ExtractionFailed("model answer truncated at the token limit (finish_reason=length)",
                                   answer_text(exc.last_completion), usage) from None
        return _truncated(answer_text(exc.last_completion), response_model, context, usage, cut[0])
    except InstructorRetryException as exc:
        if isinstance(exc.__cause__, ProviderError):
            exc.__cause__.usage = usage
            raise exc.__cause__ from None
        raw = answer_text(exc.last_completion)
        message = f"no valid model output after {policy.max_retries} re-asks: {_short(exc.__cause__ or exc)}"
        if not policy.salvage:
            raise ExtractionFailed(message, raw, usage) from None
        return _salvaged(raw, message, [], response_model, context, usage, cut[0])
    except ProviderError as exc:
        exc.usage = usage
        raise
    return Structured(result, answer_text(completion) or "", [], usage, cut[0])


@functools.lru_cache(maxsize=64)  # bounded: extract/small.py builds a response model per document
def response_schema(model: type[T]) -> type[T]:
    """`model` wrapped by instructor (`instructor.response_schema`) once per class, with its JSON schema
    kept. Why: given a plain model, instructor wraps it in a new class on every request, so pydantic
    rebuilds the JSON schema (and the TOOLS definition, whose cache is per class) each time: about
    half of the Python time around a call. A wrapped class is used as is; the schema is the same one
    instructor would build, and each request gets its own copy (a handler may edit it). The wrapper
    also validates with VALIDATION_CONTEXT (see `_validating_with`). Its methods are module-level
    functions so that an answer still pickles (Ray sends answers from its workers to the driver)."""
    wrapped = instructor.response_schema(model)
    wrapped.model_json_schema = classmethod(_kept_schema)  # type: ignore[method-assign,assignment]
    wrapped.model_validate_json = classmethod(_validate_json)  # type: ignore[method-assign,assignment]
    wrapped.model_validate = classmethod(_validate)  # type: ignore[method-assign,assignment]
    return wrapped


# The schemas built per wrapper class (pickled: a copy is 10x faster to load than copy.deepcopy); an
# entry goes with its class, so the per-document models of extract/small.py do not pile up.
_SCHEMAS: weakref.WeakKeyDictionary[type, dict[Any, bytes]] = weakref.WeakKeyDictionary()


def _kept_schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """`super(cls, cls)`: the wrapper is never subclassed (only response_schema makes one)."""
    kept, key = _SCHEMAS.setdefault(cls, {}), (args, tuple(sorted(kwargs.items())))
    if key not in kept:
        kept[key] = pickle.dumps(super(cls, cls).model_json_schema(*args, **kwargs))
    return pickle.loads(kept[key])


def _validate_json(cls: type[BaseModel], json_data: Any, **kwargs: Any) -> BaseModel:
    if kwargs.get("context") is None:
        kwargs["context"] = VALIDATION_CONTEXT.get()
    return super(cls, cls).model_validate_json(json_data, **kwargs)


def _validate(cls: type[BaseModel], obj: Any, **kwargs: Any) -> BaseModel:
    if kwargs.get("context") is None:
        kwargs["context"] = VALIDATION_CONTEXT.get()
    return super(cls, cls).model_validate(obj, **kwargs)


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _as_rendered(message: dict[str, Any]) -> dict[str, Any]:
    """`message` as instructor's Jinja rendering left a text with no template syntax in it (newlines
    made \\n, one trailing newline dropped, common indentation removed), so that requests stay byte
    for byte what they were (replay fixtures and caches are keyed on them); template syntax stays text."""
    if not isinstance(message.get("content"), str):
        return message
    lines = _NEWLINE.split(message["content"])
    if lines[-1] == "":
        del lines[-1]
    return {**message, "content": textwrap.dedent("\n".join(lines))}


@contextlib.contextmanager
def _validating_with(context: dict[str, Any]) -> Iterator[None]:
    """The validators' context for the answers parsed on this thread meanwhile. Why not instructor's
    own `context=`: given one, instructor renders every message as a Jinja template, so an article
    with `{%` in it raised TemplateSyntaxError (which stopped a whole batch), `{{ … }}` in an article
    was evaluated, and compiling each message cost a fifth of the Python time of a request."""
    token = VALIDATION_CONTEXT.set(context)
    try:
        yield
    finally:
        VALIDATION_CONTEXT.reset(token)


def _truncated(raw: str | None, model: type[T], context: dict[str, Any], usage: Usage,
               cut_in: str | None) -> Structured[T]:
    """An answer cut at the token limit (finish_reason=length): close its JSON before the cut."""
    message = "model answer truncated at the token limit (finish_reason=length)"
    try:
        closed, _ = close_json(raw or "")
    except ValueError:
        raise ExtractionFailed(f"{message}; nothing complete before the cut", raw, usage) from None
    return _salvaged(closed, f"{message}; no complete record before the cut",
                     [f"{message}; kept the complete records before the cut"], model, context, usage, cut_in)


def _salvaged(raw: str | None, message: str, notes: list[str], model: type[T], context: dict[str, Any],
              usage: Usage, cut_in: str | None) -> Structured[T]:
    """The valid records of `raw`, each dropped one named; ExtractionFailed when none is valid."""
    if raw is None:
        raise ExtractionFailed(message, None, usage)
    try:
        result, dropped = salvage(raw, model, context)
    except ValueError:
        raise ExtractionFailed(message, raw, usage) from None
    notes = [*notes, *dropped] or [message[:300]]
    return Structured(result, raw, notes, usage, cut_in)


def _short(exc: BaseException, limit: int = 600) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + " …"
