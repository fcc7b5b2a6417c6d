"""The body of `sitrep extract` for many inputs: inputs → Runner (jobs, rate limits) → progress.

Kept out of cli.py (shared by several commands and people) so that the command itself only
gathers options and calls `extract_inputs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Console

from extract.corpus import Columns, count_rows, is_corpus, read_corpus
from extract.load import Document, LoadError, load_path
from extract.pipeline import DocResult, Options
from extract.progress import RunProgress
from extract.providers.base import Provider
from extract.ratelimit import Limits, RateLimiter, default_limits
from extract.runner import Runner
from extract.shards import ShardWriter
from extract.store import Store


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders become their .txt/.md/.html files, sorted. Here, not in cli.py:
    cli.py imports the command modules that use it."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix.lower() in {".txt", ".md", ".html", ".htm"})
        else:
            out.append(path)
    return out


def inputs(paths: list[Path], columns: Columns) -> Iterator[Document | DocResult]:
    """Files become one document each (a bad file a failed result); corpus files and `-` one per row."""
    for path in paths:
        if is_corpus(path):
            yield from read_corpus(path, columns)
            continue
        try:
            yield load_path(path)
        except LoadError as exc:
            yield DocResult(str(path), "failed", error=str(exc))


def total(paths: list[Path]) -> int | None:
    """How many documents the inputs hold, when that is known without reading them twice."""
    counts = [count_rows(p) if is_corpus(p) else 1 for p in paths]
    return None if any(c is None for c in counts) else sum(counts)


def limiter_for(provider: Provider, rpm: float | None, tpm: float | None) -> RateLimiter:
    """--rpm/--tpm, else the provider's defaults from rates.toml; always present, so a 429 slows
    the run down even where no limit is configured."""
    default = default_limits(provider.name, provider.model)
    return RateLimiter(Limits(rpm or default.rpm, tpm or default.tpm))


def extract_inputs(paths: list[Path], provider: Provider, factory: Callable[[], Provider], store: Store,
                   options: Options, err: Console, report: Callable[[DocResult], None], jobs: int = 1,
                   rpm: float | None = None, tpm: float | None = None,
                   columns: Columns | None = None, engine: str = "threads", address: str | None = None,
                   out: Path | None = None, args: Any = None) -> int:
    """Extract every input; `report` prints each result (above the bar). Returns the failures.
    `engine` threads (this machine) or ray (`args`: ProviderArgs for the tasks); `out`: Parquet
    shards instead of the database."""
    writer = ShardWriter(out) if out else store
    if engine == "ray":
        from extract.engine_ray import RayRunner

        runner: Runner = RayRunner(provider, args, options, writer, jobs, address)
    elif engine == "threads":
        runner = Runner(provider, options, writer, jobs, factory, limiter_for(provider, rpm, tpm))
    else:
        raise ValueError(f"--engine must be threads or ray, not {engine!r}")
    failures = 0
    count = total(paths)
    try:
        with RunProgress(err, count, provider.model) as bar:
            for result in runner.run(inputs(paths, columns or Columns())):
                failures += result.status == "failed"
                with bar.above():
                    report(result)
                bar.advance(result.usage.prompt_tokens, result.usage.completion_tokens)
        if count is None or count > 1:
            err.print(bar.summary(), highlight=False, soft_wrap=True)
    finally:
        runner.close()
        if out:
            writer.close()
            err.print(f"{writer.shards} shard(s) in {out}; load them with `sitrep import {out}`", highlight=False)
    return failures
