"""`--engine ray`: documents spread over Ray tasks that call the provider; the driver stores them.

Why Ray and not a home-made scheduler: it already runs on the clusters that serve models (vLLM on
GPU nodes), places tasks, retries lost workers and ships results back. The split is the thread
runner's: tasks do the model calls and the pipeline (validation, grounding, rows), the driver is
the one writer, with the same run identity and skipping (`Runner._skip`, `Runner._write`), into
DuckDB or, past one writer's speed, Parquet shards (`--out`, extract/shards.py). `--jobs` actors
each build their provider once from the same settings the driver used. Optional: `pip install
'sitrep[ray]'`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.load import Document
from extract.pipeline import DocResult, Options, extract_document, run_info
from extract.providers import make_provider
from extract.providers.base import Provider
from extract.runner import Runner, _Done


@dataclass(frozen=True)
class ProviderArgs:
    """What `make_provider` needs, sent to every task (never a key: workers read their environment)."""

    name: str | None = None
    model: str | None = None
    base_url: str | None = None
    fixtures: Path | None = None
    timeout_s: float | None = None

    def make(self) -> Provider:
        return make_provider(self.name, self.model, self.base_url, self.fixtures, timeout_s=self.timeout_s)


class Worker:
    """One Ray actor: a provider built once from the driver's settings, then one document per call
    (the thread runner's worker). Actors, not tasks, so that `--jobs` of them exist from the start
    whatever the cluster's CPU count (they wait on HTTP and need none)."""

    def __init__(self, args: ProviderArgs) -> None:
        self.provider = args.make()

    def ready(self) -> bool:
        return True

    def extract(self, doc: Document, options: Options) -> _Done:
        start = time.perf_counter()
        run = run_info(doc, self.provider, options)
        result = extract_document(doc, self.provider, None, options)
        table_rows = result.table_rows()
        return _Done(result, run, table_rows, time.perf_counter() - start)


def connect(address: str | None) -> Any:
    """The cluster at `address`, or a local one (bound to 127.0.0.1); an existing connection is reused."""
    try:
        import ray
    except ImportError as exc:
        raise ValueError("--engine ray needs Ray: pip install 'sitrep[ray]'") from exc
    if not ray.is_initialized():
        local = {} if address else {"_node_ip_address": "127.0.0.1"}
        ray.init(address=address, include_dashboard=False, log_to_driver=False, **local)
    return ray


class RayRunner(Runner):
    """Runner whose workers are `jobs` Ray actors, one document in flight on each."""

    def __init__(self, provider: Provider, args: ProviderArgs, options: Options | None = None, store: Any = None,
                 jobs: int = 4, address: str | None = None) -> None:
        super().__init__(provider, options, store, jobs, factory=args.make)
        self.args, self.address = args, address

    def run(self, items: Iterable[Document | DocResult]) -> Iterator[DocResult]:
        ray = connect(self.address)
        actor = ray.remote(num_cpus=0, max_restarts=1, max_task_retries=1)(Worker)
        idle = [actor.remote(self.args) for _ in range(self.jobs)]
        _get(ray, [w.ready.remote() for w in idle])  # all started (or the provider's error) before the first document
        options = ray.put(self.options)
        pending: dict[Any, tuple[Document, Any]] = {}
        try:
            for item in items:
                if isinstance(item, DocResult):
                    yield self._load_failed(item)
                    continue
                skipped = self._skip(item, run_info(item, self.provider, self.options).run_id,
                                 {d.doc_id for d, _ in pending.values()})
                if skipped:
                    yield skipped
                    continue
                if not idle:
                    yield from self._collect(ray, pending, idle)
                worker = idle.pop()
                pending[worker.extract.remote(item, options)] = (item, worker)
            while pending:
                yield from self._collect(ray, pending, idle)
        finally:
            for worker in idle + [w for _, w in pending.values()]:
                ray.kill(worker)

    def _collect(self, ray: Any, pending: dict[Any, tuple[Document, Any]], idle: list) -> Iterator[DocResult]:
        ready, _ = ray.wait(list(pending), num_returns=1, timeout=1.0)
        if not ready:
            if self.store is not None:
                self.store.release()
            ready, _ = ray.wait(list(pending), num_returns=1)
        others = [ref for ref in pending if ref not in ready]
        if others:  # whatever else has finished is written in the same transaction (group commit)
            ready += ray.wait(others, num_returns=len(others), timeout=0)[0]
        done, failure = [], None
        for ref in ready:
            idle.append(pending.pop(ref)[1])
            try:
                done.append(_get(ray, ref))
            except Exception as exc:  # a worker's fatal error: raised once its round is stored
                failure = failure or exc
        yield from self._store_round(done, failure)


def _get(ray: Any, refs: Any) -> Any:
    """ray.get, raising a worker's own error (a ConfigError stops the run) rather than Ray's wrapper."""
    try:
        return ray.get(refs)
    except ray.exceptions.RayError as exc:
        cause = getattr(exc, "cause", None) or getattr(getattr(exc, "error", None), "cause", None)
        if isinstance(cause, Exception):
            raise cause from None
        raise
