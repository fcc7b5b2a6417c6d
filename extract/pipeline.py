"""document → prompt → LLM → validate → ground → drop unsupported actors → normalise → store.

The library API the CLI wraps."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from extract import chunking, evidence, rows, small, small_prompt
from extract.limits import MAX_CHUNKS, TooLong, cap_strings, check_chunks
from extract.llm import ExtractionFailed, ReaskPolicy, reask_defaults, structured
from extract.load import Document, LoadError, load_path
from extract.normalise import normalise
from extract.prompt import EXAMPLE_PLACES, PROMPT_VERSION, messages, prompt_hash, reask_ungrounded
from extract.providers.base import ConfigError, Provider, ProviderError, Usage
from extract.redact import redact, safe_url
from extract.store import NotStored, RunInfo, Store
from extract.support import drop_unsupported
from schemas import kinds
from schemas.records import SCHEMA_VERSION, ActorList, Events, Extraction

log = logging.getLogger("sitrep")
T = TypeVar("T", bound=BaseModel)
PASSES = ("single", "per-type", "small")  # `--strategy`; small: extract/small.py
# The strategy a provider gets when none is chosen: the embedded 1.5B model needs the small-model
# strategy (benchmarks/ablation.md); large remote models answer in one pass.
DEFAULT_STRATEGY: dict[str, str] = {"local": "small"}
RESPONSE_SCHEMAS = {m.__name__: m.model_json_schema() for m in (Extraction, ActorList, Events)}


@dataclass
class Options:
    max_retries: int | None = None  # None: the provider's default (extract.llm.REASK_DEFAULTS)
    reask_ungrounded: bool | None = None
    chunk_chars: int = 12_000
    force: bool = False
    repeat: int = 0
    passes: str | None = None  # the strategy (--strategy); None: the provider's default (DEFAULT_STRATEGY)
    example: str = "system"  # where the worked example goes: system | turns | none
    temperature: float | None = None  # None: the provider's own default
    max_chunks: int = MAX_CHUNKS  # a longer document is refused before its first model call

    def __post_init__(self) -> None:
        if self.passes is not None and self.passes not in PASSES:
            raise ValueError(f"passes must be one of {', '.join(PASSES)}, not {self.passes!r}")
        if self.example not in EXAMPLE_PLACES:
            raise ValueError(f"example must be one of {', '.join(EXAMPLE_PLACES)}, not {self.example!r}")
        if self.chunk_chars < 1000:
            raise ValueError(f"chunk size {self.chunk_chars} is too small; use 1000 characters or more")

    def for_provider(self, provider: Provider) -> Options:
        """These options with the provider's defaults filled in."""
        default = reask_defaults(provider.name)
        return replace(self, passes=self.passes or DEFAULT_STRATEGY.get(provider.name, "single"),
                       max_retries=default.max_retries if self.max_retries is None else self.max_retries,
                       reask_ungrounded=(default.reask_ungrounded if self.reask_ungrounded is None
                                         else self.reask_ungrounded))

    def variant(self, provider: Provider) -> str:
        """Options that change what is extracted, where they differ from the provider's defaults,
        become part of the run's identity."""
        default, options, reask = Options(), self.for_provider(provider), reask_defaults(provider.name)
        parts = [] if options.reask_ungrounded == reask.reask_ungrounded else [
            "reask" if options.reask_ungrounded else "noreask"]
        parts += [] if self.chunk_chars == default.chunk_chars else [f"chunk={self.chunk_chars}"]
        parts += [] if options.max_retries == reask.max_retries else [f"retries={options.max_retries}"]
        parts += [] if options.passes == DEFAULT_STRATEGY.get(provider.name, "single") else [f"passes={options.passes}"]
        parts += [small.variant()] if options.passes == "small" else []
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
    grounding: evidence.Grounding | None = None  # the spans of the extraction's quotes (extract/evidence.py)
    raw_confidence: dict[str, list[float]] | None = None  # per kind, before calibration (small strategy)

    @property
    def counts(self) -> dict[str, int]:
        return self.extraction.count() if self.extraction else {}

    def table_rows(self) -> dict[str, list[dict]] | None:
        """The rows to store: the extraction with the spans grounded while it was read."""
        if self.extraction is None or self.grounding is None:
            return None
        return rows.to_rows(self.extraction, self.grounding, self.raw_confidence)


def run_info(doc: Document, provider: Provider, options: Options | None = None) -> RunInfo:
    options = (options or Options()).for_provider(provider)
    variant = options.variant(provider)
    input_sha = hashlib.sha256(doc.prompt_text.encode()).hexdigest()[:16]
    params = provider.params()
    return RunInfo(repeat=options.repeat, variant=variant, input_sha=input_sha, backend=backend_of(params),
        doc_id=doc.doc_id, provider=provider.name, model=provider.model,
        prompt_version=small_prompt.VERSION if options.passes == "small" else PROMPT_VERSION,
        prompt_hash=small_prompt.prompt_hash() if options.passes == "small" else prompt_hash(RESPONSE_SCHEMAS),
        schema_version=SCHEMA_VERSION,
        params={**params, "input_sha256": input_sha,
                **({"repeat": options.repeat} if options.repeat else {}),
                **({"variant": variant} if variant else {})},
    )


def backend_of(params: dict) -> str:
    """Where the answers come from, for the run identity: the server address (no credentials) or the
    replay fixtures folder. Two servers with the same --model are two runs. A provider that reports
    no base URL talks to OpenAI, or to OPENAI_BASE_URL when that is set (the openai client reads it)."""
    if "base_url" in params and not params["base_url"]:
        return safe_url(os.environ.get("OPENAI_BASE_URL", ""))
    if params.get("base_url"):
        return safe_url(str(params["base_url"]))
    return str(Path(params["fixtures"]).resolve()) if params.get("fixtures") else ""


def _ask(provider: Provider, doc: Document, msgs: list[dict[str, str]], model: type[T], options: Options,
         notes: list[str], usage: Usage, read: evidence.Reading, known: list | None = None) -> tuple[T, str | None]:
    """One validated answer, and the list a backend cut short (None); quotes not found in the text are
    re-asked once (their spans stay in `read` for the later stages). Records that fail every re-ask are
    dropped and named in `notes` (extract/llm.py)."""
    context = {"published": doc.published, "actors": known or []}
    policy = ReaskPolicy(options.max_retries, options.temperature, reask_defaults(provider.name).reask_temperature)
    try:
        answer = structured(provider, msgs, model, context, policy)
    except (ExtractionFailed, ProviderError) as exc:
        usage.add(exc.usage)
        raise
    usage.add(answer.usage)
    notes += answer.notes
    missing = [s.quote for s in read.ground(rows.all_quotes(answer.result)) if not s.grounded]
    if not missing or not options.reask_ungrounded or answer.notes:  # a salvaged answer is not re-asked
        return answer.result, answer.cut_in
    followup = [*msgs, {"role": "assistant", "content": answer.result.model_dump_json(exclude_defaults=True)},
                {"role": "user", "content": reask_ungrounded(missing)}]
    try:
        again = structured(provider, followup, model, context, policy.followup())
    except (ExtractionFailed, ProviderError) as exc:
        usage.add(exc.usage)
        if not isinstance(exc, ExtractionFailed):
            raise
        log.warning("re-ask for ungrounded quotes failed, keeping the first answer: %s", exc)
        return answer.result, answer.cut_in
    usage.add(again.usage)
    return again.result, again.cut_in


def _read_chunk(provider: Provider, doc: Document, text: str, read: evidence.Reading, options: Options,
                notes: list[str], usage: Usage) -> Extraction:
    """One chunk's records, every quote grounded once, in the chunk's region of the text first."""
    part = _extract_chunk(provider, doc, text, options, notes, usage, read)
    read.ground(rows.all_quotes(part))
    return part


def _extract_chunk(provider: Provider, doc: Document, text: str, options: Options, notes: list[str],
                   usage: Usage, read: evidence.Reading) -> Extraction:
    """`single`: everything in one answer. `per-type`: actors first, then events given those actors;
    both requests share the system prompt and the article, so the second re-reads only its task."""
    if options.passes == "small":
        return small.extract_chunk(provider, doc, text, options, notes, usage)
    if options.passes == "single":
        msgs = messages(doc, text, example=options.example)
        result, cut_in = _ask(provider, doc, msgs, Extraction, options, notes, usage, read)
        if cut_in != kinds.ACTORS.name:
            return result
        notes.append("the answer looped in its actor list; asked again for the events")
        return _events(provider, doc, text, options, notes, usage, read, result.actors)
    msgs = messages(doc, text, "actors", options.example)
    actors = _ask(provider, doc, msgs, ActorList, options, notes, usage, read)[0].actors
    return _events(provider, doc, text, options, notes, usage, read, actors)


def _events(provider: Provider, doc: Document, text: str, options: Options, notes: list[str], usage: Usage,
            read: evidence.Reading, actors: list) -> Extraction:
    """Events given known actors; the request shares the prefix (system prompt, article) with the
    one before it, so only the new task is read."""
    names = ", ".join(a.name for a in actors) or "none yet"
    prompt = messages(doc, text, "events", options.example, actors=names)
    events, _ = _ask(provider, doc, prompt, Events, options, notes, usage, read, actors)
    return Extraction.model_construct(**{k.name: getattr(events, k.name) for k in kinds.events()},
                                      actors=[*actors, *events.actors])


def extract_document(doc: Document, provider: Provider, store: Store | None = None,
                     options: Options | None = None) -> DocResult:
    """Extract one document; with a store, skip a finished identical run and persist the result."""
    options = (options or Options()).for_provider(provider)
    run = run_info(doc, provider, options)
    if store is not None and not options.force and store.run_status(run.run_id) in {"ok", "partial"}:
        return DocResult(doc.source, "skipped", doc, run.run_id)
    if store is not None and not provider.instant:
        store.release()  # readers may open the database while the model works
    usage, notes, grounding = Usage(), [], evidence.Grounding(doc.text)
    try:
        chunks = evidence.chunks(doc, options.chunk_chars)
        check_chunks(doc.source, len(doc.prompt_text), len(chunks), options.max_chunks)
        parts = [_read_chunk(provider, doc, chunk, evidence.Reading(grounding, region), options, notes, usage)
                 for chunk, region in chunks]
        extraction, dropped = drop_unsupported(chunking.merge(parts), doc.text, grounding)
        notes += dropped
        extraction = normalise(extraction)
        extraction, raw = small.calibrated(extraction, provider) if options.passes == "small" else (extraction, None)
        notes += cap_strings(extraction)
        error = None
    except ConfigError:
        raise  # every document would fail the same way: the batch stops (extract_paths, the CLI)
    except (ExtractionFailed, ProviderError, TooLong) as exc:
        extraction, error = None, redact(str(exc))
    if extraction is None:
        raw = None
    table_rows = rows.to_rows(extraction, grounding, raw) if extraction else None
    status = "failed" if error else "partial" if notes else "ok"
    message = error or ("; ".join(notes) if notes else None)
    if store is not None:
        try:
            store.write_run(doc, run, usage, table_rows, status, message)
        except NotStored as exc:  # the answer is kept for the next run; the batch goes on
            status, message = "failed", str(exc)
    return DocResult(doc.source, status, doc, run.run_id, extraction, message, usage, grounding, raw)


def extract_paths(paths: Iterable[Path], provider: Provider, store: Store | None = None,
                  options: Options | None = None,
                  on_done: Callable[[DocResult], None] | None = None) -> Iterator[DocResult]:
    """Extract many files; a bad file is reported and the batch goes on. A ConfigError (a rejected key)
    ends the batch: it is raised by the first document, not repeated for every file."""
    for path in paths:
        try:
            doc = load_path(path)
        except LoadError as exc:
            result = DocResult(str(path), "failed", error=str(exc))
            if store is not None:
                store.write_load_error(str(path), str(exc))
        else:
            result = extract_document(doc, provider, store, options)
        if on_done:
            on_done(result)
        yield result

