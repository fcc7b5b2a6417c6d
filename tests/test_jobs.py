"""`--jobs N`: concurrent documents against the stub server store exactly what `--jobs 1` stores."""

import json
import threading
import time

import duckdb
import pytest
from typer.testing import CliRunner

from extract.cli import app
from tests.stub_server import article

TABLES = {
    "runs": "run_id, doc_id, provider, model, prompt_version, prompt_hash, schema_version, params, calls, "
            "prompt_tokens, completion_tokens, status, error",
    "documents": "doc_id, sha256, source, title, language, published, chars, text",
    "actors": "*", "transfers": "*", "meetings": "*", "deployments": "*", "evidence": "*",
}


def corpus(tmp_path, n=12):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps({"url": f"https://example.org/{i}", "text": article(i)}) + "\n"
                            for i in range(n)), encoding="utf-8")
    return path


def extract(*args):
    return CliRunner().invoke(app, ["extract", *map(str, args)])


def dump(db):
    """Every stored row, timestamps left out, in a stable order."""
    con = duckdb.connect(str(db), read_only=True)
    out = {t: sorted(map(repr, con.execute(f"SELECT {cols} FROM {t}").fetchall())) for t in TABLES.items()
           for t, cols in [t]}
    con.close()
    return out


def test_jobs_n_stores_exactly_what_jobs_1_stores(stub, tmp_path):
    stub.behaviour, stub.delay_s = "slow", 0.1
    path = corpus(tmp_path)
    one = extract(path, "--id-column", "url", "--base-url", stub.url, "--db", tmp_path / "one.duckdb", "-q")
    assert one.exit_code == 0, one.output
    assert stub.max_in_flight == 1
    stub.max_in_flight = 0
    many = extract(path, "--id-column", "url", "--base-url", stub.url, "--db", tmp_path / "many.duckdb", "-q",
                   "--jobs", "4")
    assert many.exit_code == 0, many.output
    assert 2 <= stub.max_in_flight <= 4  # really concurrent, and never more than asked
    a, b = dump(tmp_path / "one.duckdb"), dump(tmp_path / "many.duckdb")
    assert len(a["runs"]) == 12 and len(a["transfers"]) == 12 and len(a["evidence"]) > 12
    assert a == b


def test_a_second_run_with_jobs_skips_everything_stored(stub, tmp_path):
    path, db = corpus(tmp_path, 6), tmp_path / "t.duckdb"
    assert extract(path, "--base-url", stub.url, "--db", db, "-q", "--jobs", "3").exit_code == 0
    sent = stub.requests
    again = extract(path, "--base-url", stub.url, "--db", db, "-q", "--jobs", "3")
    assert again.exit_code == 0 and stub.requests == sent
    assert again.output.count("skipped") == 6


def test_duplicate_texts_in_one_batch_are_extracted_once(stub, tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text("".join(json.dumps({"text": article(i % 2)}) + "\n" for i in range(6)), encoding="utf-8")
    result = extract(path, "--base-url", stub.url, "--db", tmp_path / "t.duckdb", "-q", "--jobs", "6")
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
    assert stub.requests == 2


def test_jobs_above_one_are_refused_for_the_embedded_model(tmp_path):
    result = extract(tmp_path / "x.txt", "--provider", "local", "--jobs", "4", "--db", tmp_path / "t.duckdb")
    assert result.exit_code == 2
    assert "--jobs 4 is refused" in result.output and "every core" in result.output


@pytest.mark.parametrize("jobs", ["1", "4"])
def test_a_rejected_key_stops_the_batch_with_one_message(stub, tmp_path, jobs):
    stub.behaviour = "http401"
    result = extract(corpus(tmp_path, 20), "--base-url", stub.url, "--db", tmp_path / "t.duckdb", "--jobs", jobs)
    assert result.exit_code != 0
    assert result.output.count("HTTP 401") == 1 and "Traceback" not in result.output
    assert stub.requests <= 2 * int(jobs)  # stopped, not one failure per document


def test_progress_and_summary_stay_off_stdout(stub, tmp_path):
    result = extract(corpus(tmp_path, 3), "--base-url", stub.url, "--model", "gpt-4o-mini",
                     "--db", tmp_path / "t.duckdb", "-q")
    assert result.exit_code == 0, result.output
    assert "3 documents in" in result.stderr and "docs/min" in result.stderr
    assert "450 tokens" in result.stderr and "≈$" in result.stderr  # 3 × 150 tokens at gpt-4o-mini's price
    assert "docs/min" not in result.stdout and result.stdout.count("ok ") == 3


class _VirtualClock:
    """Time that advances only when a worker sleeps on it."""

    def __init__(self) -> None:
        self._now, self._lock = 0.0, threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:  # at least 1 ms: a wait of 1e-17 (float rounding) would not move 1.5 s on
            self._now += max(seconds, 0.001)
        time.sleep(0.001)  # let the other workers run


def test_a_429_pauses_and_slows_every_worker(stub, tmp_path):
    from extract.load import document_from_text
    from extract.providers import make_provider
    from extract.ratelimit import Limits, RateLimiter
    from extract.runner import Runner

    stub.retry_after = "0.3"
    stub.script("http429")

    def make():
        return make_provider("openai-compatible", base_url=stub.url)

    clock = _VirtualClock()  # the learned limit's waits pass at once (real seconds: 2-9 s per run)
    limiter = RateLimiter(Limits(), clock=clock.now, sleep=clock.sleep)
    runner = Runner(make(), None, None, jobs=3, factory=make, limiter=limiter)
    results = list(runner.run(document_from_text(article(i)) for i in range(6)))
    runner.close()
    assert [r.status for r in results] == ["ok"] * 6
    assert limiter.throttles == 1 and limiter.effective_rpm is not None  # learned a limit to slow down from
    assert stub.requests == 7  # the 429 was retried once, after its Retry-After


def test_eval_with_jobs_stores_and_scores_what_jobs_1_does(stub, tmp_path):
    """On 5 of the 25 dev articles (every fifth, 4 languages): all 25 took a fifth of the fast suite's time."""
    import shutil

    from tests.conftest import ROOT

    gold = tmp_path / "gold"
    gold.mkdir()
    for path in sorted((ROOT / "evals" / "gold").glob("*.gold.json"))[::5]:
        shutil.copy(path, gold)
        shutil.copy(path.with_name(path.name.replace(".gold.json", ".txt")), gold)
    stub.behaviour, stub.delay_s = "slow", 0.1
    out = {}
    for jobs in ("1", "4"):
        stub.max_in_flight = 0
        db, report = tmp_path / f"e{jobs}.duckdb", tmp_path / f"e{jobs}.json"
        result = CliRunner().invoke(app, ["eval", "--gold", str(gold), "--base-url", stub.url,
                                          "--db", str(db), "--json", str(report), "--jobs", jobs])
        assert result.exit_code in (0, 1), result.output  # 1: most documents fail to match the stub's answer
        scores = json.loads(report.read_text())
        out[jobs] = (dump(db)["runs"], [scores[k] for k in ("documents", "f1", "strict", "lenient", "failed")],
                     stub.max_in_flight)
    assert out["1"][0] == out["4"][0] and len(out["1"][0]) == 5
    assert out["1"][1] == out["4"][1]
    assert out["1"][2] == 1 and out["4"][2] >= 2


def test_stdin_corpus_through_the_cli(stub, tmp_path):
    rows = "".join(json.dumps({"url": f"https://example.org/{i}", "text": article(i)}) + "\n" for i in range(3))
    result = CliRunner().invoke(app, ["extract", "-", "--id-column", "url", "--base-url", stub.url, "--jobs", "2",
                                      "--db", str(tmp_path / "t.duckdb"), "-q"], input=rows)
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True)
    assert sorted(r[0] for r in con.execute("SELECT source FROM documents").fetchall()) == [
        f"https://example.org/{i}" for i in range(3)]


def test_the_embedded_model_runs_on_the_calling_thread(tmp_path):
    """So that SIGTERM and Ctrl-C stop it between tokens rather than after a worker's whole answer."""
    import threading
    from dataclasses import dataclass
    from typing import ClassVar

    from extract.load import document_from_text
    from extract.providers.base import Provider, Reply, completion
    from extract.runner import Runner
    from extract.store import Store
    from tests.stub_server import ANSWER

    threads = []

    @dataclass
    class FakeLocal(Provider):
        name: ClassVar[str] = "local"
        model: str = "fake"

        @classmethod
        def from_settings(cls, settings):
            return cls()

        def raw_create(self, **request):
            threads.append(threading.current_thread())
            return Reply(completion("x", json.dumps(ANSWER), self.model))

    with Store(tmp_path / "t.duckdb") as store:
        from extract.pipeline import Options  # the fake answers as the single strategy does (small is local's default)

        results = list(Runner(FakeLocal(), Options(passes="single"), store).run(
            document_from_text(article(i)) for i in range(2)))
        assert [r.status for r in results] == ["ok", "ok"]
        assert store.query("SELECT count(*) FROM runs")[1] == [(2,)]
    assert threads and all(t is threading.main_thread() for t in threads)
