"""Many documents at once: worker threads call the provider, one writer stores the results.

Why this shape: a remote model spends seconds per answer waiting on the network, so N requests in
flight give N times the throughput; DuckDB wants one writer, so every write happens on the thread
that iterates `Runner.run`; answers that finish together share one transaction (Store.write_runs),
a lone answer gets its own, as in the sequential path. Each worker
owns its provider (usage and per-request state are per provider), and the run identity comes from
the same `run_info`, so `--jobs 8` stores exactly what `--jobs 1` stores. At most 2×jobs documents
are held at a time, so a corpus of any length runs in bounded memory.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import datetime

from extract.load import Document
from extract.pipeline import DocResult, Options, extract_document, run_info
from extract.providers.base import Provider
from extract.ratelimit import RateLimiter, attach
from extract.store import Answer, NotStored, RunInfo, Store

log = logging.getLogger("sitrep.runner")
RELEASE_AFTER_S = 1.0  # the writer closes the database file when no answer came for this long
SEQUENTIAL_ONLY = {"local": "the embedded model runs one llama.cpp instance that already uses every core, "
                            "so more jobs would only queue behind it; use --jobs 1 (or a remote --base-url)"}


class JobsError(ValueError):
    """--jobs asked of a provider that cannot serve requests in parallel."""


def check_jobs(provider_name: str, jobs: int) -> None:
    if jobs < 1:
        raise JobsError(f"--jobs must be 1 or more, not {jobs}")
    if jobs > 1 and provider_name in SEQUENTIAL_ONLY:
        raise JobsError(f"--jobs {jobs} is refused for provider '{provider_name}': {SEQUENTIAL_ONLY[provider_name]}")


@dataclass
class RunStats:
    """Where the time went: waiting on the provider, pipeline work around it, and the store."""
    documents: int = 0
    provider_s: float = 0.0  # summed over workers
    pipeline_s: float = 0.0  # worker time outside the provider calls (validation, grounding, rows)
    store_s: float = 0.0  # the writer's time in DuckDB
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class _Done:
    result: DocResult
    run: RunInfo
    rows: dict[str, list[dict]] | None
    seconds: float


class Runner:
    """`run(items)` yields one DocResult per item (a Document, or a DocResult for an input that
    failed to load), in completion order. A worker exception that is not a per-document failure
    (a config error such as a rejected key) stops the whole batch and is raised here."""

    def __init__(self, provider: Provider, options: Options | None = None, store: Store | None = None,
                 jobs: int = 1, factory: Callable[[], Provider] | None = None,
                 limiter: RateLimiter | None = None) -> None:
        check_jobs(provider.name, jobs)
        if jobs > 1 and factory is None:
            raise JobsError("--jobs above 1 needs a provider factory (one provider per worker)")
        self.provider, self.store, self.jobs = provider, store, jobs
        self.options = (options or Options()).for_provider(provider)
        self._factory, self._limiter = factory, limiter
        self._idle: queue.SimpleQueue[Provider] = queue.SimpleQueue()
        self._made: list[Provider] = []
        self.stats = RunStats()
        self._add(provider)

    def _add(self, provider: Provider) -> None:
        if self._limiter is not None:
            attach(provider, self._limiter)
        self._idle.put(provider)

    def _take(self) -> Provider:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            made = self._factory()  # at most `jobs` exist: one per busy worker
            if self._limiter is not None:
                attach(made, self._limiter)
            self._made.append(made)
            return made

    def close(self) -> None:
        """Close the providers this runner made (the caller closes the one it passed in)."""
        for made in self._made:
            made.close()
        self._made.clear()

    # --- the worker side -------------------------------------------------------------------
    def _work(self, doc: Document, run: RunInfo) -> _Done:
        provider = self._take()
        try:
            start = time.perf_counter()
            run = replace(run, started_at=datetime.now())  # the identity was computed by _skip
            result = extract_document(doc, provider, None, self.options)
            table_rows = result.table_rows()
            return _Done(result, run, table_rows, time.perf_counter() - start)
        finally:
            self._idle.put(provider)

    # --- the writer side -------------------------------------------------------------------
    def run(self, items: Iterable[Document | DocResult]) -> Iterator[DocResult]:
        """Also for --jobs 1: the answer is awaited on a worker, so the writer closes the database
        only when an answer is slow to come (closing checkpoints it: 30 ms per document if done
        every time), and the next document is read while the model works."""
        if self.provider.name in SEQUENTIAL_ONLY:
            yield from self._inline(items)
            return
        pool = ThreadPoolExecutor(self.jobs, thread_name_prefix="sitrep-job")
        pending: dict[Future[_Done], Document] = {}
        try:
            for item in items:
                if isinstance(item, DocResult):
                    yield self._load_failed(item)
                    continue
                run = run_info(item, self.provider, self.options)
                skipped = self._skip(item, run.run_id, {d.doc_id for d in pending.values()})
                if skipped:
                    yield skipped
                    continue
                pending[pool.submit(self._work, item, run)] = item
                yield from self._drain(pending, block=len(pending) >= 2 * self.jobs)
            while pending:
                yield from self._drain(pending, block=True)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _inline(self, items: Iterable[Document | DocResult]) -> Iterator[DocResult]:
        """The embedded model runs on the calling thread: SIGTERM and Ctrl-C stop it between tokens,
        where a worker thread would finish its answer (minutes) first. The file is released while
        the model works (30 ms against its 80 s)."""
        for item in items:
            if isinstance(item, DocResult):
                yield self._load_failed(item)
                continue
            run = run_info(item, self.provider, self.options)
            skipped = self._skip(item, run.run_id, set())
            if skipped:
                yield skipped
                continue
            if self.store is not None:
                self.store.release()
            yield self._write(self._work(item, run))

    def _load_failed(self, result: DocResult) -> DocResult:
        """An input that never became a document is recorded, so that `sitrep runs` lists it."""
        if self.store is not None and result.status == "failed":
            self.store.write_load_error(result.source, result.error or "")
        return result

    def _skip(self, doc: Document, run_id: str, in_flight: set[str]) -> DocResult | None:
        """A finished identical run is not redone (unless --force); nor is a text already in flight."""
        if doc.doc_id in in_flight:
            return DocResult(doc.source, "skipped", doc, run_id, error="same text as a document in progress")
        if self.store is not None and not self.options.force and self.store.run_status(run_id) in {"ok", "partial"}:
            return DocResult(doc.source, "skipped", doc, run_id)
        return None

    def _drain(self, pending: dict[Future[_Done], Document], block: bool) -> Iterator[DocResult]:
        done = [f for f in pending if f.done()]
        if not done and block:
            done = list(wait(pending, timeout=RELEASE_AFTER_S, return_when=FIRST_COMPLETED).done)
        if not done and block:  # a slow stretch: let readers open the database meanwhile
            if self.store is not None:
                self.store.release()  # reopening costs 15-40 ms, too much to pay per document
            done = list(wait(pending, return_when=FIRST_COMPLETED).done)
        good, failure = [], None
        for future in done:
            del pending[future]
            if (exc := future.exception()) is None:
                good.append(future.result())
            else:
                failure = failure or exc
        yield from self._store_round(good, failure)

    def _store_round(self, dones: list[_Done], failure: BaseException | None) -> Iterator[DocResult]:
        """The answers one round finished, stored together; then a fatal worker error (a 401, say)
        stops the batch, after the good answers of its round are stored."""
        yield from self._write_all(dones)
        if failure is not None:
            raise failure

    def _write(self, done: _Done) -> DocResult:
        return self._write_all([done])[0]

    def _write_all(self, dones: list[_Done]) -> list[DocResult]:
        """The answers ready together are stored in one transaction (Store.write_runs): a writer
        that falls behind catches up, and one that keeps up writes each document alone."""
        start = time.perf_counter()
        outcomes: list[NotStored | None] = [None] * len(dones)
        if self.store is not None and dones:
            outcomes = self.store.write_runs([Answer(d.result.doc, d.run, d.result.usage, d.rows, d.result.status,
                                                     d.result.error) for d in dones])
        # disk full, file held: the answer is kept for the next run and the document reads failed
        results = [d.result if failure is None else replace(d.result, status="failed", error=str(failure))
                   for d, failure in zip(dones, outcomes, strict=True)]
        stats = self.stats
        stats.store_s += time.perf_counter() - start
        for done in dones:
            usage = done.result.usage
            stats.documents += 1
            stats.provider_s += usage.seconds
            stats.pipeline_s += max(0.0, done.seconds - usage.seconds)
            stats.prompt_tokens += usage.prompt_tokens
            stats.completion_tokens += usage.completion_tokens
        return results


def prefetch(docs: Iterable[Document], provider: Provider, factory: Callable[[], Provider], store: Store,
             options: Options, jobs: int) -> list[DocResult]:
    """Extract and store documents concurrently, so that a sequential consumer (the eval, which
    reuses stored runs) finds them done. Returns the results in completion order."""
    runner = Runner(provider, options, store, jobs, factory)
    try:
        return list(runner.run(docs))
    finally:
        runner.close()
