"""document → prompt → LLM → validate → ground → drop unsupported actors → normalise → store.

The library API the CLI wraps."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from extract import chunking, rows
from extract.ground import ground_quotes
from extract.llm import ExtractionFailed, structured
from extract.load import Document, LoadError, load_path
from extract.normalise import normalise
from extract.prompt import EXAMPLE_PLACES, PROMPT_VERSION, messages, prompt_hash, reask_ungrounded
from extract.providers.base import Provider, ProviderError, Usage
from extract.salvage import salvage
from extract.store import RunInfo, Store
from extract.support import drop_unsupported
from schemas.records import SCHEMA_VERSION, ActorList, Events, Extraction

log = logging.getLogger("sitrep")
T = TypeVar("T", bound=BaseModel)
PASSES = ("single", "per-type")
RESPONSE_SCHEMAS = {m.__name__: m.model_json_schema() for m in (Extraction, ActorList, Events)}


@dataclass
class Options:
    max_retries: int | None = None  # None: the provider's default (re-asks pay off on large models)
    reask_ungrounded: bool | None = None
    chunk_chars: int = 12_000
    force: bool = False
    repeat: int = 0
    passes: str = "single"
    example: str = "system"  # where the worked example goes: system | turns | none
    temperature: float | None = None  # None: the provider's own default

    def __post_init__(self) -> None:
        if self.passes not in PASSES:
            raise ValueError(f"passes must be one of {', '.join(PASSES)}, not {self.passes!r}")
        if self.example not in EXAMPLE_PLACES:
            raise ValueError(f"example must be one of {', '.join(EXAMPLE_PLACES)}, not {self.example!r}")
        if self.chunk_chars < 1000:
            raise ValueError(f"chunk size {self.chunk_chars} is too small; use 1000 characters or more")

    def for_provider(self, provider: Provider) -> Options:
        """These options with the provider's defaults filled in."""
        return replace(self,
                       max_retries=provider.default_max_retries if self.max_retries is None else self.max_retries,
                       reask_ungrounded=(provider.default_reask_ungrounded if self.reask_ungrounded is None
                                         else self.reask_ungrounded))

    def variant(self, provider: Provider) -> str:
        """Options that change what is extracted, where they differ from the provider's defaults,
        become part of the run's identity."""
        default, options = Options(), self.for_provider(provider)
        parts = [] if options.reask_ungrounded == provider.default_reask_ungrounded else [
            "reask" if options.reask_ungrounded else "noreask"]
        parts += [] if self.chunk_chars == default.chunk_chars else [f"chunk={self.chunk_chars}"]
        parts += [] if options.max_retries == provider.default_max_retries else [f"retries={options.max_retries}"]
        parts += [] if self.passes == default.passes else [f"passes={self.passes}"]
        parts += [] if self.example == default.example else [f"example={self.example}"]
        parts += [] if self.temperature is None else [f"temp={self.temperature:g}"]
        return ",".join(parts)


@dataclass
class DocResult:
    source: str
    status: str  # ok | partial (some records dropped, see error) | skipped | failed
    doc: Document | None = None
    run_id: str | None = None
    extraction: Extraction | None = None
    error: str | None = None
    usage: Usage = field(default_factory=Usage)

    @property
    def counts(self) -> dict[str, int]:
        return self.extraction.count() if self.extraction else {}


def run_info(doc: Document, provider: Provider, options: Options | None = None) -> RunInfo:
    options = options or Options()
    variant = options.variant(provider)
    input_sha = hashlib.sha256(doc.prompt_text.encode()).hexdigest()[:16]
    return RunInfo(repeat=options.repeat, variant=variant, input_sha=input_sha,
        doc_id=doc.doc_id, provider=provider.name, model=provider.model, prompt_version=PROMPT_VERSION,
        prompt_hash=prompt_hash(RESPONSE_SCHEMAS), schema_version=SCHEMA_VERSION,
        params={**provider.params(), "input_sha256": input_sha,
                **({"repeat": options.repeat} if options.repeat else {}),
                **({"variant": variant} if variant else {})},
    )


def _ask(provider: Provider, doc: Document, msgs: list[dict[str, str]], model: type[T], options: Options,
         notes: list[str], known: list | None = None) -> T:
    """One validated answer; quotes not found in the text are re-asked once. When every re-ask
    fails, the valid records of the last answer are kept and the dropped ones noted."""
    context = {"published": doc.published, "actors": known or []}
    try:
        result = structured(provider, msgs, model, options.max_retries, context, options.temperature)
    except ExtractionFailed as exc:
        if exc.raw is None:
            raise
        try:
            result, dropped = salvage(exc.raw, model, context)
        except ValueError:
            raise exc from None
        notes += dropped or [str(exc)[:300]]
        return result
    missing = [s.quote for s in ground_quotes(rows.all_quotes(result), doc.text) if not s.grounded]
    if not missing or not options.reask_ungrounded:
        return result
    followup = [*msgs, {"role": "assistant", "content": result.model_dump_json(exclude_defaults=True)},
                {"role": "user", "content": reask_ungrounded(missing)}]
    try:
        return structured(provider, followup, model, options.max_retries, context, options.temperature)
    except ExtractionFailed as exc:
        log.warning("re-ask for ungrounded quotes failed, keeping the first answer: %s", exc)
        return result


def _extract_chunk(provider: Provider, doc: Document, text: str, options: Options, notes: list[str]) -> Extraction:
    """`single`: everything in one answer. `per-type`: actors first, then events given those actors;
    both requests share the system prompt and the article, so the second re-reads only its task."""
    if options.passes == "single":
        provider.cut_in = None
        result = _ask(provider, doc, messages(doc, text, example=options.example), Extraction, options, notes)
        if provider.cut_in != "actors":
            return result
        notes.append("the answer looped in its actor list; asked again for the events")
        return _events(provider, doc, text, options, notes, result.actors)
    actors = _ask(provider, doc, messages(doc, text, "actors", options.example), ActorList, options, notes).actors
    return _events(provider, doc, text, options, notes, actors)


def _events(provider: Provider, doc: Document, text: str, options: Options, notes: list[str],
            actors: list) -> Extraction:
    """Events given known actors; the request shares the prefix (system prompt, article) with the
    one before it, so only the new task is read."""
    names = ", ".join(a.name for a in actors) or "none yet"
    prompt = messages(doc, text, "events", options.example, actors=names)
    events = _ask(provider, doc, prompt, Events, options, notes, actors)
    return Extraction.model_construct(actors=[*actors, *events.actors], transfers=events.transfers,
                                      meetings=events.meetings, deployments=events.deployments)


def extract_document(doc: Document, provider: Provider, store: Store | None = None,
                     options: Options | None = None) -> DocResult:
    """Extract one document; with a store, skip a finished identical run and persist the result."""
    options = (options or Options()).for_provider(provider)
    run = run_info(doc, provider, options)
    if store is not None and not options.force and store.run_status(run.run_id) in {"ok", "partial"}:
        return DocResult(doc.source, "skipped", doc, run.run_id)
    if store is not None:
        store.release()  # readers may open the database while the model works
    before = Usage(**vars(provider.usage))
    notes: list[str] = []
    try:
        chunks = chunking.split(doc.prompt_text, options.chunk_chars)
        parts = [_extract_chunk(provider, doc, chunk, options, notes) for chunk in chunks]
        extraction, dropped = drop_unsupported(chunking.merge(parts), doc.text)
        notes += dropped
        extraction = normalise(extraction)
        error = None
    except (ExtractionFailed, ProviderError) as exc:
        extraction, error = None, str(exc)
    usage = _delta(provider.usage, before)
    table_rows = rows.to_rows(extraction, doc.text) if extraction else None
    status = "failed" if error else "partial" if notes else "ok"
    message = error or ("; ".join(notes) if notes else None)
    if store is not None:
        store.write_run(doc, run, usage, table_rows, status, message)
    return DocResult(doc.source, status, doc, run.run_id, extraction, message, usage)


def extract_paths(paths: Iterable[Path], provider: Provider, store: Store | None = None,
                  options: Options | None = None,
                  on_done: Callable[[DocResult], None] | None = None) -> Iterator[DocResult]:
    """Extract many files; a bad file is reported and the batch goes on."""
    for path in paths:
        try:
            doc = load_path(path)
        except LoadError as exc:
            result = DocResult(str(path), "failed", error=str(exc))
        else:
            result = extract_document(doc, provider, store, options)
        if on_done:
            on_done(result)
        yield result


def _delta(now: Usage, before: Usage) -> Usage:
    return Usage(now.calls - before.calls, now.prompt_tokens - before.prompt_tokens,
                 now.completion_tokens - before.completion_tokens, now.seconds - before.seconds)
