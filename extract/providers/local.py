"""The embedded model: llama.cpp in-process through llama-cpp-python.

Why in-process rather than llama.cpp's server on loopback: one process, no port, no start-up
race, and llama-cpp-python keeps the KV cache of the previous request, so the fixed system
prompt (and the article, across passes) is not re-read. Output is constrained by a grammar built
from the pydantic JSON schema: the request's `json_schema` response format is translated into the
`json_object` + schema form, the only one llama-cpp-python builds a grammar for.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from extract.models import ModelError, ModelSpec, ensure_model, get_spec
from extract.providers.base import Capability, ConfigError, Provider, ProviderError, Reply, Settings, completion
from extract.providers.loopguard import close_json, looping

log = logging.getLogger("sitrep.llm")

CTX_STEP = 4096


def compact_schema(schema: Any) -> Any:
    """Drop titles: they cost prompt tokens and say nothing the keys do not."""
    if isinstance(schema, dict):
        return {k: compact_schema(v) for k, v in schema.items() if k != "title"}
    if isinstance(schema, list):
        return [compact_schema(v) for v in schema]
    return schema


def grammar_format(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
    """The response format llama-cpp-python turns into a grammar: {"type": "json_object", "schema": …}.

    OpenAI's structured-output form {"type": "json_schema", "json_schema": {"schema": …}} is ignored
    by llama-cpp-python, which would then sample unconstrained; anything we cannot translate is an
    error rather than a silent loss of the grammar."""
    if not response_format:
        return None
    kind = response_format.get("type")
    if kind == "json_object":
        return response_format
    if kind == "json_schema" and isinstance(response_format.get("json_schema", {}).get("schema"), dict):
        return {"type": "json_object", "schema": response_format["json_schema"]["schema"]}
    raise ProviderError(f"local: cannot constrain the output to response_format {kind!r}")


def with_schema(messages: list[dict], schema: dict) -> list[dict]:
    """The compact schema appended to the system message (--schema-in-prompt experiments): the grammar
    already forces the structure, and the full dump costs about 1,900 prompt tokens (30 s on 2 cores)."""
    dump = json.dumps(compact_schema(schema), separators=(",", ":"), ensure_ascii=False)
    if not messages or messages[0]["role"] != "system":
        return messages
    head = f"{messages[0]['content']}\n\nAnswer with one JSON object matching this JSON schema:\n{dump}"
    return [{"role": "system", "content": head}, *messages[1:]]


@dataclass
class LocalProvider(Provider):
    name: ClassVar[str] = "local"
    capability: ClassVar[Capability] = "json_schema"
    model: str = ""
    threads: int = 0
    temperature: float = 0.0
    max_output_tokens: int = 3072
    seed: int = 0
    timeout_s: float = 900.0
    schema_in_prompt: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalProvider:
        return cls(model=settings.model or "", **({"timeout_s": settings.timeout_s} if settings.timeout_s else {}))

    def __post_init__(self) -> None:
        self.spec: ModelSpec = get_spec(self.model or None)
        self.model = self.spec.name
        self.threads = self.threads or os.cpu_count() or 2
        self._llama: Any = None
        self._n_ctx = 0
        self._lock = threading.Lock()

    def params(self) -> dict[str, Any]:
        return {**super().params(), "threads": self.threads, "temperature": self.temperature,
                "max_output_tokens": self.max_output_tokens,
                "seed": self.seed, "timeout_s": self.timeout_s, "schema_in_prompt": self.schema_in_prompt,
                "sha256": self.spec.sha256}

    @property
    def context_limit(self) -> int:
        return self.spec.context_length

    def _load(self, n_ctx: int) -> Any:
        # OpenMP threads that spin while waiting stall when another process shares the 2 cores: a
        # 30-token answer took 9 minutes under a concurrent test run, 20 s with passive waiting (measured).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ConfigError("the local provider needs llama-cpp-python; run `make install`") from exc
        try:
            path = ensure_model(self.spec)
        except ModelError as exc:  # every document would fail the same way: stop the batch once
            raise ConfigError(str(exc)) from exc
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

    def raw_create(self, **request: Any) -> Reply:
        """Streamed, so that a looping answer or one past `timeout_s` can be stopped mid-way."""
        response_format = grammar_format(request.get("response_format"))
        messages = request["messages"]
        if self.schema_in_prompt and response_format and "schema" in response_format:
            messages = with_schema(messages, response_format["schema"])
        start = time.perf_counter()
        with self._lock:
            llama = self._ensure_ctx(messages)
            stream = llama.create_chat_completion(
                messages=messages, response_format=response_format, temperature=request.get("temperature",
                                                                                               self.temperature),
                max_tokens=self.max_output_tokens, seed=self.seed, stream=True)
            content, generated, finish, cut_in = self._read(stream)
            prompt_tokens = max(llama.n_tokens - generated, 0)
        answer = completion("local", content, self.model, finish, prompt_tokens, generated)
        return Reply(answer, time.perf_counter() - start, cut_in)

    def _read(self, stream: Iterator[dict]) -> tuple[str, int, str, str | None]:
        """Content, tokens generated, finish reason and the list cut short when the model loops."""
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
                content, cut_in = close_json(text)
                log.warning("local: the model repeated itself in %s after %d tokens; kept the records before "
                            "the loop", cut_in, len(parts))
                return content, len(parts), "stop", cut_in
            if time.monotonic() > deadline:
                stream.close()
                raise ProviderError(f"local: no complete answer within {self.timeout_s:.0f} s (--timeout); "
                                    f"{len(parts)} tokens generated")
        return "".join(parts), len(parts), finish, None

    def close(self) -> None:
        if self._llama is not None:
            self._llama.close()
            self._llama = None
            self._n_ctx = 0
