"""Scale-out: Parquet shards (`--out`, `sitrep import`) and `--engine ray` on a local Ray, against the stub."""

import duckdb
import pytest

from tests.test_jobs import TABLES, corpus, dump, extract


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray of 2 CPUs bound to 127.0.0.1; the engine reuses this connection. Imported here: only
    the `slow` tests need Ray (the extra 'ray'), `make test-fast` runs without it."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    yield
    ray.shutdown()


def sitrep_import(folder, db):
    from typer.testing import CliRunner

    from extract.cli import app

    return CliRunner().invoke(app, ["import", str(folder), "--db", str(db)])


def test_shards_hold_what_the_database_would_and_import_twice_adds_nothing(stub, tmp_path):
    path, shards = corpus(tmp_path, 5), tmp_path / "shards"
    direct = extract(path, "--base-url", stub.url, "--db", tmp_path / "direct.duckdb", "-q")
    assert direct.exit_code == 0, direct.output
    sharded = extract(path, "--base-url", stub.url, "--db", tmp_path / "unused.duckdb", "-q", "--out", shards,
                      "--jobs", "2")
    assert sharded.exit_code == 0, sharded.output
    assert "1 shard(s)" in sharded.output
    assert sorted(p.name for p in shards.iterdir()) == sorted(TABLES)
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM read_parquet('{shards}/transfers/*.parquet')").fetchone() == (5,)
    db = tmp_path / "imported.duckdb"
    first = sitrep_import(shards, db)
    assert first.exit_code == 0, first.output
    assert "5 documents, 5 runs" in first.output
    assert dump(db) == dump(tmp_path / "direct.duckdb")
    second = sitrep_import(shards, db)
    assert "0 documents, 0 runs, 0 actors, 0 transfers" in second.output
    assert dump(db) == dump(tmp_path / "direct.duckdb")


def test_import_refuses_a_folder_that_is_not_shards(tmp_path):
    result = sitrep_import(tmp_path, tmp_path / "t.duckdb")
    assert result.exit_code == 2 and "not a shard folder" in result.output


@pytest.mark.slow  # a Ray cluster: run by `make test`, not `make test-fast`
def test_ray_engine_stores_what_the_thread_engine_stores(stub, tmp_path, local_ray):
    stub.behaviour, stub.delay_s = "slow", 0.2
    path = corpus(tmp_path, 6)
    threads = extract(path, "--base-url", stub.url, "--db", tmp_path / "threads.duckdb", "-q", "--jobs", "2")
    assert threads.exit_code == 0, threads.output
    stub.max_in_flight = 0
    on_ray = extract(path, "--base-url", stub.url, "--db", tmp_path / "ray.duckdb", "-q", "--jobs", "3",
                     "--engine", "ray")
    assert on_ray.exit_code == 0, on_ray.output
    assert 2 <= stub.max_in_flight <= 3  # tasks ran side by side, never more than --jobs
    assert dump(tmp_path / "ray.duckdb") == dump(tmp_path / "threads.duckdb")
    again = extract(path, "--base-url", stub.url, "--db", tmp_path / "ray.duckdb", "-q", "--engine", "ray")
    assert again.output.count("skipped") == 6  # the driver skips stored runs before sending a task


@pytest.mark.slow  # a Ray cluster: run by `make test`, not `make test-fast`
def test_ray_engine_writes_shards_and_stops_on_a_rejected_key(stub, tmp_path, local_ray):
    shards = tmp_path / "shards"
    result = extract(corpus(tmp_path, 4), "--base-url", stub.url, "--db", tmp_path / "t.duckdb", "-q",
                     "--engine", "ray", "--out", shards, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "4 documents, 4 runs" in sitrep_import(shards, tmp_path / "i.duckdb").output
    stub.behaviour = "http401"
    failed = extract(corpus(tmp_path, 4), "--base-url", stub.url, "--db", tmp_path / "k.duckdb", "--engine", "ray",
                     "--force")
    assert failed.exit_code != 0 and "401" in failed.output and "Traceback" not in failed.output
