"""Throughput of `--jobs` against a stub with a fixed latency, the store alone, and memory on a corpus.

    python benchmarks/throughput.py [--docs 200] [--latency 0.5] [--jobs 1 4 16 64] [--ray-jobs 16]
                                    [--store-docs 1000] [--rows 1000 100000] [--cold]

Prints a table, asserts nothing. Each figure comes from its own subprocess, so peak RSS is that
configuration's own. The stub (tests/stub_server.py, behaviour `slow`) runs in another process on
127.0.0.1 so that its threads do not share the client's interpreter.

- live: N documents through `Runner` (worker threads, one writer, a fresh DuckDB file) against the
  stub, timed after 2 x jobs warm-up documents (`--cold`: from the start). Ideal = min(jobs, N) /
  latency documents per second. "Outside waiting" is the worker time around the provider calls
  (validation, grounding, rows) plus the writer's DuckDB time, per document; both are wall-clock and
  include waiting for the GIL and for a CPU. "CPU" is the process's CPU time per document (all
  threads), which depends little on the machine's load; "CPU share" is the share of a core a fixed
  loop got just before the run (1.0 on an idle core): every wall-clock figure scales with it.
- store: replayed answers (an in-process provider that answers at once) through the pipeline, then
  the writes alone, timed: documents per second one writer stores.
- memory: a JSONL corpus of R rows, read in a stream, every row through the pipeline with replayed
  answers, no store (the store's file grows with the data by design); peak RSS at each R.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.corpus import Columns, read_corpus  # noqa: E402
from extract.load import document_from_text  # noqa: E402
from extract.pipeline import Options  # noqa: E402
from extract.providers import make_provider  # noqa: E402
from extract.providers.base import Capability, Provider, Reply, Settings, completion  # noqa: E402
from extract.ratelimit import Limits, RateLimiter  # noqa: E402
from extract.runner import Runner, RunStats  # noqa: E402
from extract.shards import ShardWriter  # noqa: E402
from extract.store import Store  # noqa: E402
from tests.stub_server import ANSWER, article  # noqa: E402

STUB = """import sys, threading
from tests.stub_server import StubServer
s = StubServer("slow"); s.delay_s = float(sys.argv[1]); s.start(); print(s.url, flush=True)
threading.Event().wait()
"""


@dataclass
class Instant(Provider):
    """Replayed answers without a network or a fixture file: the stub's answer, at once."""

    name: ClassVar[str] = "replay"
    capability: ClassVar[Capability] = "json"
    model: str = "bench"

    @classmethod
    def from_settings(cls, settings: Settings) -> Instant:
        return cls()

    def raw_create(self, **request: Any) -> Reply:
        return Reply(completion("bench", json.dumps(ANSWER), self.model, prompt_tokens=100, completion_tokens=50))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process, all threads (DuckDB's included): what a document costs whatever
    else the machine runs, where wall-clock figures depend on the load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_share(seconds: float = 0.3) -> float:
    """The share of one core this process gets right now: a fixed pure-Python loop's CPU time over its
    wall time (1.0 on an idle core, 0.5 when another job takes half of it). The development machine
    shares its 2 cores with a model job; each figure carries this probe so that runs compare."""
    start, cpu = time.perf_counter(), time.process_time()
    while time.process_time() - cpu < seconds:
        sum(range(1000))
    return (time.process_time() - cpu) / (time.perf_counter() - start)


def one_live(url: str, docs: int, jobs: int, warmup: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        texts = [document_from_text(article(i), source=f"bench#{i}") for i in range(docs)]

        def make() -> Provider:
            return make_provider("openai-compatible", base_url=url)

        runner = Runner(make(), Options(), store, jobs, make, RateLimiter(Limits()))
        if warmup:  # providers built, lazy imports done, CLDR names loaded: once per process, ~1-2 s here
            list(runner.run(document_from_text(article(docs + i), source=f"warm#{i}") for i in range(2 * jobs)))
            runner.stats = RunStats()
        share = cpu_share()
        start, cpu = time.perf_counter(), cpu_s()
        statuses = [r.status for r in runner.run(texts)]
        wall, cpu = time.perf_counter() - start, cpu_s() - cpu
        runner.close()
        store.close()
    s = runner.stats
    return {"wall_s": wall, "ok": statuses.count("ok"), "pipeline_s": s.pipeline_s, "store_s": s.store_s,
            "provider_s": s.provider_s, "rss_mb": peak_rss_mb(), "cpu_s": cpu, "share": share}


def one_ray(url: str, docs: int, jobs: int) -> dict[str, Any]:
    """The same as one_live on a local Ray (2 CPUs, 127.0.0.1), start-up of the actors included."""
    import ray

    from extract.engine_ray import ProviderArgs, RayRunner

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        texts = [document_from_text(article(i), source=f"bench#{i}") for i in range(docs)]
        args = ProviderArgs("openai-compatible", base_url=url)
        runner = RayRunner(args.make(), args, Options(), store, jobs)
        start = time.perf_counter()
        statuses = [r.status for r in runner.run(texts)]
        wall = time.perf_counter() - start
        store.close()
    ray.shutdown()
    s = runner.stats
    return {"wall_s": wall, "ok": statuses.count("ok"), "pipeline_s": s.pipeline_s, "store_s": s.store_s,
            "provider_s": s.provider_s, "rss_mb": peak_rss_mb()}


GROUP = 32  # what the writer holds at once when it is behind at --jobs 16 (it waits at 2 x jobs)


def _timed_writes(folder: Path, ready: list[Any], group: int) -> tuple[float, float]:
    """Wall and CPU seconds to store `ready` in transactions of `group` documents (Store.write_runs)."""
    from extract.store import Answer

    store = Store(folder / f"bench-{group}.duckdb")
    answers = [Answer(doc, run, usage, rows, status) for doc, run, usage, rows, status in ready]
    start, cpu = time.perf_counter(), cpu_s()
    for i in range(0, len(answers), group):
        assert store.write_runs(answers[i:i + group]) == [None] * len(answers[i:i + group])
    wall, used = time.perf_counter() - start, cpu_s() - cpu
    store.close()
    return wall, used


def one_store(docs: int) -> dict[str, Any]:
    """Answers replayed through the pipeline first (not timed), then only the writes are timed:
    one transaction per document (a writer that keeps up), then groups of GROUP (one that is behind)."""
    from extract.pipeline import run_info

    provider, options = Instant(), Options().for_provider(Instant())
    runner = Runner(provider, options, None)
    start, cpu = time.perf_counter(), cpu_s()
    results = list(runner.run(document_from_text(article(i), source=f"b#{i}") for i in range(docs)))
    pipeline, pipeline_cpu = time.perf_counter() - start, cpu_s() - cpu
    ready = [(r.doc, run_info(r.doc, provider, options), r.usage, r.table_rows(), r.status)
             for r in results]
    with tempfile.TemporaryDirectory() as tmp:
        share = cpu_share()
        writes, writes_cpu = _timed_writes(Path(tmp), ready, 1)
        grouped, grouped_cpu = _timed_writes(Path(tmp), ready, GROUP)
        shards = ShardWriter(Path(tmp) / "shards")
        start = time.perf_counter()
        for doc, run, usage, table_rows, status in ready:
            shards.write_run(doc, run, usage, table_rows, status, None)
        shards.close()
        sharded = time.perf_counter() - start
    return {"wall_s": pipeline + writes, "ok": len(ready), "store_s": writes, "pipeline_s": pipeline,
            "shards_s": sharded, "rss_mb": peak_rss_mb(), "store_cpu_s": writes_cpu, "pipeline_cpu_s": pipeline_cpu,
            "share": share, "grouped_s": grouped, "grouped_cpu_s": grouped_cpu}


def one_memory(rows: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for i in range(rows):
                out.write(json.dumps({"url": f"https://example.org/{i}", "text": article(i)}) + "\n")
        base = peak_rss_mb()
        runner = Runner(Instant(), Options(), None)
        start = time.perf_counter()
        done = sum(r.status == "ok" for r in runner.run(read_corpus(path, Columns(id="url"))))
        wall = time.perf_counter() - start
    return {"wall_s": wall, "ok": done, "rss_before_mb": base, "rss_mb": peak_rss_mb()}


def child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def live(args: argparse.Namespace) -> None:
    stub = subprocess.Popen([sys.executable, "-c", STUB, str(args.latency)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    try:
        url = stub.stdout.readline().strip()
        print(f"\nlive: {args.docs} documents, stub latency {args.latency * 1000:.0f} ms ({url})")
        print("| jobs | docs/s | ideal | % of ideal | outside waiting, ms/doc (pipeline + store) | CPU, ms/doc "
              "| CPU share | peak RSS |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for jobs in args.jobs:
            r = child(["live", url, str(args.docs), str(jobs), *(["--cold"] if args.cold else [])])
            rate, ideal = r["ok"] / r["wall_s"], min(jobs, args.docs) / args.latency
            outside = 1000 * (r["pipeline_s"] + r["store_s"]) / args.docs
            print(f"| {jobs} | {rate:.1f} | {ideal:.0f} | {100 * rate / ideal:.0f} % | {outside:.1f} "
                  f"({1000 * r['pipeline_s'] / args.docs:.1f} + {1000 * r['store_s'] / args.docs:.1f}) "
                  f"| {1000 * r['cpu_s'] / args.docs:.1f} | {r['share']:.2f} | {r['rss_mb']:.0f} MB |", flush=True)
        for jobs in args.ray_jobs:
            r = child(["ray", url, str(args.docs), str(jobs)])
            rate, ideal = r["ok"] / r["wall_s"], min(jobs, args.docs) / args.latency
            print(f"| ray {jobs} | {rate:.1f} | {ideal:.0f} | {100 * rate / ideal:.0f} % | "
                  f"{1000 * (r['pipeline_s'] + r['store_s']) / args.docs:.1f} | – | – "
                  f"| {r['rss_mb']:.0f} MB (driver) |", flush=True)
    finally:
        stub.terminate()


def store_only(docs: int) -> None:
    r = child(["store", str(docs)])
    print(f"\nstore: {docs} replayed answers, writes alone: one transaction per document "
          f"{r['ok'] / r['store_s']:.0f} docs/s ({1000 * r['store_s'] / r['ok']:.1f} ms/doc, "
          f"CPU {1000 * r['store_cpu_s'] / r['ok']:.1f} ms/doc); groups of {GROUP} (a writer behind) "
          f"{r['ok'] / r['grouped_s']:.0f} docs/s ({1000 * r['grouped_s'] / r['ok']:.1f} ms/doc, "
          f"CPU {1000 * r['grouped_cpu_s'] / r['ok']:.1f} ms/doc); CPU share {r['share']:.2f}; "
          f"Parquet shards (--out) {r['ok'] / r['shards_s']:.0f} docs/s; "
          f"pipeline alone {r['ok'] / r['pipeline_s']:.0f} docs/s ({1000 * r['pipeline_s'] / r['ok']:.1f} ms/doc, "
          f"CPU {1000 * r['pipeline_cpu_s'] / r['ok']:.1f} ms/doc, document loading included); "
          f"peak RSS {r['rss_mb']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 4, 16, 64], help="none: skip the live part")
    parser.add_argument("--store-docs", type=int, default=1000, help="0: skip the store part")
    parser.add_argument("--rows", type=int, nargs="*", default=[1000, 100_000], help="none: skip the memory part")
    parser.add_argument("--ray-jobs", type=int, nargs="*", default=[], help="also --engine ray at these --jobs")
    parser.add_argument("--cold", action="store_true",
                        help="time the live runs from a cold start (default: after 2 x jobs warm-up documents)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = {"live": lambda: one_live(rest[0], int(rest[1]), int(rest[2]), not args.cold),
                  "ray": lambda: one_ray(rest[0], int(rest[1]), int(rest[2])),
                  "store": lambda: one_store(int(rest[0])), "memory": lambda: one_memory(int(rest[0]))}[kind]()
        print(json.dumps(result))
        return
    print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at start")
    if args.jobs or args.ray_jobs:
        live(args)
    if args.store_docs:
        store_only(args.store_docs)
    if not args.rows:
        return
    print("\nmemory: JSONL corpus streamed, replayed answers, no store")
    print("| rows | docs/s | peak RSS |")
    print("|---:|---:|---:|")
    peaks = []
    for rows in args.rows:
        r = child(["memory", str(rows)])
        peaks.append(r["rss_mb"])
        print(f"| {rows:,} | {r['ok'] / r['wall_s']:.0f} | {r['rss_mb']:.0f} MB |", flush=True)
    print(f"growth {100 * (peaks[-1] / peaks[0] - 1):+.1f} % from {args.rows[0]:,} to {args.rows[-1]:,} rows")


if __name__ == "__main__":
    main()
