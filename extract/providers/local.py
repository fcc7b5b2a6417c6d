"""The embedded model: llama.cpp in-process through llama-cpp-python.

Why in-process rather than llama.cpp's server on loopback: one process, no port, no start-up
race, and llama-cpp-python keeps the KV cache of the previous request, so the fixed system
prompt (and the article, across passes) is not re-read. Output is constrained by a grammar built
from the pydantic JSON schema (instructor's JSON_SCHEMA mode), so it always parses.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import instructor
from openai.types.chat import ChatCompletion

from extract.models import ModelSpec, ensure_model, get_spec
from extract.providers.base import Provider, ProviderError, completion
from extract.providers.loopguard import close_json, looping

log = logging.getLogger("sitrep.llm")

_SCHEMA_INTRO = "As a genius expert"
CTX_STEP = 4096


def compact_schema(schema: Any) -> Any:
    """Drop titles: they cost prompt tokens and say nothing the keys do not."""
    if isinstance(schema, dict):
        return {k: compact_schema(v) for k, v in schema.items() if k != "title"}
    if isinstance(schema, list):
        return [compact_schema(v) for v in schema]
    return schema


def _compact_system(messages: list[dict], schema: dict | None, keep_schema: bool) -> list[dict]:
    """Drop (or compact) the schema dump instructor appends to the system message.

    The grammar already forces the structure, and the dump costs about 1,900 prompt tokens (30 s of
    prompt processing on 2 cores); the prompt's rules and example carry the semantics instead.
    """
    if not schema or messages[0]["role"] != "system" or _SCHEMA_INTRO not in messages[0]["content"]:
        return messages
    head = messages[0]["content"].split(_SCHEMA_INTRO)[0].rstrip()
    if keep_schema:
        dump = json.dumps(compact_schema(schema), separators=(",", ":"), ensure_ascii=False)
        head = f"{head}\n\nAnswer with one JSON object matching this JSON schema:\n{dump}"
    return [{"role": "system", "content": head}, *messages[1:]]


def is_reask(messages: list[dict]) -> bool:
    """True when the model already answered this article: an assistant turn after its <article> message."""
    last_article = max((i for i, m in enumerate(messages) if m["role"] == "user" and "<article>" in m["content"]),
                       default=-1)
    return any(m["role"] == "assistant" for m in messages[last_article + 1:]) if last_article >= 0 else False


@dataclass
class LocalProvider(Provider):
    model: str = ""
    mode: instructor.Mode = instructor.Mode.JSON_SCHEMA
    threads: int = 0
    temperature: float = 0.0
    reask_temperature: float = 0.3
    max_output_tokens: int = 3072
    seed: int = 0
    timeout_s: float = 900.0
    schema_in_prompt: bool = False
    name: str = "local"
    # Measured on the dev set: re-asks to the 1.5B model mostly return the same answer (also at
    # temperature 0.3) and double the time per article; salvage keeps the valid records instead.
    default_max_retries: int = 0
    default_reask_ungrounded: bool = False

    def __post_init__(self) -> None:
        self.spec: ModelSpec = get_spec(self.model or None)
        self.model = self.spec.name
        self.threads = self.threads or os.cpu_count() or 2
        self._llama: Any = None
        self._n_ctx = 0
        self._lock = threading.Lock()

    def params(self) -> dict[str, Any]:
        return {**super().params(), "threads": self.threads, "temperature": self.temperature,
                "reask_temperature": self.reask_temperature, "max_output_tokens": self.max_output_tokens,
                "seed": self.seed, "timeout_s": self.timeout_s, "schema_in_prompt": self.schema_in_prompt,
                "sha256": self.spec.sha256}

    @property
    def context_limit(self) -> int:
        return self.spec.context_length

    def _load(self, n_ctx: int) -> Any:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ProviderError("the local provider needs llama-cpp-python; run `make install`") from exc
        path = ensure_model(self.spec)
        self.close()
        self._llama = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=self.threads, n_batch=512,
                            seed=self.seed, verbose=False)
        self._n_ctx = n_ctx
        return self._llama

    def count_tokens(self, text: str) -> int:
        llama = self._llama or self._load(CTX_STEP)
        return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _ensure_ctx(self, messages: list[dict]) -> Any:
        """Context sized to the request: grown in 4k steps, never past the model's limit."""
        prompt = sum(self.count_tokens(m["content"]) + 8 for m in messages)
        need = prompt + self.max_output_tokens
        if need > self.context_limit:
            raise ProviderError(f"local: request needs {need:,} tokens, over the model's "
                                f"{self.context_limit:,}-token context; use a smaller --chunk-tokens")
        if need > self._n_ctx:
            self._load(min(self.context_limit, -(-need // CTX_STEP) * CTX_STEP))
        return self._llama

    def raw_create(self, **kwargs: Any) -> ChatCompletion:
        """Streamed, so that a looping answer or one past `timeout_s` can be stopped mid-way."""
        response_format = kwargs.get("response_format") or {}
        messages = _compact_system(kwargs["messages"], response_format.get("schema"), self.schema_in_prompt)
        with self._lock:
            self.cut_in = None
            llama = self._ensure_ctx(messages)
            stream = llama.create_chat_completion(
                messages=messages, response_format=response_format or None, temperature=self._temperature(kwargs),
                max_tokens=self.max_output_tokens, seed=self.seed, stream=True)
            content, generated, finish = self._read(stream)
            prompt_tokens = max(llama.n_tokens - generated, 0)
        return completion("local", content, self.model, finish, prompt_tokens, generated)

    def _read(self, stream: Iterator[dict]) -> tuple[str, int, str]:
        """Content, tokens generated and finish reason; cut short when the model loops."""
        parts: list[str] = []
        finish = "length"
        deadline = time.monotonic() + self.timeout_s
        for chunk in stream:
            choice = chunk["choices"][0]
            finish = choice.get("finish_reason") or finish
            piece = choice["delta"].get("content")
            if not piece:
                continue
            parts.append(piece)
            if len(parts) % 16:
                continue
            text = "".join(parts)
            if looping(text):
                stream.close()
                content, self.cut_in = close_json(text)
                log.warning("local: the model repeated itself in %s after %d tokens; kept the records before "
                            "the loop", self.cut_in, len(parts))
                return content, len(parts), "stop"
            if time.monotonic() > deadline:
                stream.close()
                raise ProviderError(f"local: no complete answer within {self.timeout_s:.0f} s (--timeout); "
                                    f"{len(parts)} tokens generated")
        return "".join(parts), len(parts), finish

    def _temperature(self, kwargs: dict[str, Any]) -> float:
        """A re-ask (the model's own answer followed by a correction) is sampled at reask_temperature:
        at temperature 0 the model answered a validation error with the same output, token for token."""
        base = kwargs.get("temperature", self.temperature)
        return max(base, self.reask_temperature) if is_reask(kwargs["messages"]) else base

    def close(self) -> None:
        if self._llama is not None:
            self._llama.close()
            self._llama = None
            self._n_ctx = 0
