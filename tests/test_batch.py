"""`sitrep batch`: submit, status, collect against a Files/Batches stub on 127.0.0.1."""

import json

import duckdb
import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.store import Store
from tests.batch_stub import BatchStub, default_answer
from tests.conftest import query_rows
from tests.stub_server import article


@pytest.fixture
def stub():
    with BatchStub() as server:
        yield server


def corpus(tmp_path, n=4):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps({"url": f"u{i}", "text": article(i)}) + "\n" for i in range(n)),
                    encoding="utf-8")
    return path


def sitrep(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def rows(db, sql):
    return sorted(map(repr, query_rows(db, sql)))


RECORDS = ["SELECT * FROM actors", "SELECT * FROM transfers", "SELECT * FROM evidence",
           "SELECT run_id, doc_id, provider, model, params, status, error, prompt_tokens, completion_tokens FROM runs"]


def test_submit_collect_stores_what_a_live_run_stores_and_twice_stores_nothing_twice(stub, tmp_path):
    db, live = tmp_path / "batch.duckdb", tmp_path / "live.duckdb"
    sent = sitrep("batch", "submit", corpus(tmp_path), "--id-column", "url", "--base-url", stub.url, "--db", db)
    assert sent.exit_code == 0, sent.output
    assert "batch_1: 4 requests submitted" in sent.output
    lines = stub.lines("batch_1")
    assert [x["url"] for x in lines] == ["/v1/chat/completions"] * 4
    assert all("<article>" in x["body"]["messages"][-1]["content"] for x in lines)

    early = sitrep("batch", "collect", "batch_1", "--db", db)
    assert early.exit_code == 3 and "in_progress" in early.output
    assert rows(db, "SELECT count(*) FROM runs") == ["(0,)"]

    stub.finish()
    got = sitrep("batch", "collect", "batch_1", "--db", db)
    assert got.exit_code == 0, got.output
    assert "4 documents stored (0 failed), 0 stored before" in got.output
    assert stub.live == 0  # nothing was asked live

    ran = sitrep("extract", corpus(tmp_path), "--id-column", "url", "--base-url", stub.url, "--db", live, "-q")
    assert ran.exit_code == 0, ran.output
    for sql in RECORDS:  # same run ids, same records, as the live run
        assert rows(db, sql) == rows(live, sql)
    assert len(rows(db, "SELECT * FROM transfers")) == 4

    again = sitrep("batch", "collect", "batch_1", "--db", db)
    assert "0 documents stored (0 failed), 4 stored before" in again.output
    assert rows(db, "SELECT count(*) FROM runs") == ["(4,)"] and rows(db, "SELECT count(*) FROM evidence")[0] != "(0,)"
    status = sitrep("batch", "status", "--db", db)
    assert status.exit_code == 0 and "batch_1" in status.output and "collected" in status.output

    resubmit = sitrep("batch", "submit", corpus(tmp_path), "--base-url", stub.url, "--db", db)
    assert "nothing to submit" in resubmit.output and len(stub.batches) == 1  # stored runs are not sent again


def invalid_for_report_1(body):
    """Report 1's first answer fails the schema; its re-ask (with an assistant turn) gets a valid one."""
    first = not any(m["role"] == "assistant" for m in body["messages"])
    if first and "Report number 1." in body["messages"][-1]["content"]:
        return json.dumps({"actors": [{"name": "Russia", "kind": "planet", "evidence": ["Russia"]}],
                           "transfers": "many"})
    return default_answer(body)


def test_unanswered_requests_go_into_a_follow_up_batch(stub, tmp_path):
    db = tmp_path / "t.duckdb"
    assert sitrep("batch", "submit", corpus(tmp_path, 3), "--base-url", stub.url, "--db", db).exit_code == 0
    stub.answer = invalid_for_report_1
    stub.fail_ids = {stub.lines("batch_1")[2]["custom_id"]}  # one line fails on the server
    stub.finish()
    got = sitrep("batch", "collect", "batch_1", "--db", db, "--then", "batch")
    assert got.exit_code == 0, got.output
    assert "1 documents stored" in got.output and "2 waiting" in got.output and "follow-up batch batch_2" in got.output
    follow = stub.lines("batch_2")
    assert len(follow) == 2
    assert any(m["role"] == "assistant" for x in follow for m in x["body"]["messages"])  # the re-ask
    again = sitrep("batch", "collect", "batch_1", "--db", db, "--then", "batch")
    assert "follow-up" not in again.output and len(stub.batches) == 2  # not sent twice
    stub.fail_ids = set()
    stub.finish("batch_2")
    done = sitrep("batch", "collect", "batch_2", "--db", db)
    assert "2 documents stored (0 failed)" in done.output, done.output
    assert rows(db, "SELECT count(*) FROM runs WHERE status = 'ok'") == ["(3,)"]
    assert stub.live == 0


def test_then_live_asks_the_rest_at_once(stub, tmp_path):
    db = tmp_path / "t.duckdb"
    sitrep("batch", "submit", corpus(tmp_path, 3), "--base-url", stub.url, "--db", db)
    stub.answer = invalid_for_report_1
    stub.finish()
    got = sitrep("batch", "collect", "batch_1", "--db", db, "--then", "live")
    assert "3 documents stored (0 failed)" in got.output, got.output
    assert stub.live == 1 and len(stub.batches) == 1


def test_migration_005_is_applied_to_a_database_that_already_has_006(tmp_path):
    db = tmp_path / "t.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE batch_requests; DROP TABLE batches; DELETE FROM schema_version WHERE version = 5")
    con.close()
    with Store(db) as store:
        assert store.con.execute("SELECT count(*) FROM batches").fetchone() == (0,)


def test_an_expired_batch_keeps_its_answers_and_the_rest_can_go_live(stub, tmp_path):
    db = tmp_path / "t.duckdb"
    sitrep("batch", "submit", corpus(tmp_path, 3), "--base-url", stub.url, "--db", db)
    stub.fail_ids = {stub.lines("batch_1")[0]["custom_id"]}  # never answered before the window closed
    stub.finish()
    stub.batches["batch_1"]["status"] = "expired"
    got = sitrep("batch", "collect", "batch_1", "--db", db, "--then", "live")
    assert got.exit_code == 0, got.output
    assert "3 documents stored (0 failed)" in got.output and stub.live == 1


def test_force_resubmits_a_stored_run_and_collecting_it_twice_stores_it_once(stub, tmp_path):
    db, path = tmp_path / "t.duckdb", corpus(tmp_path, 1)
    assert sitrep("extract", path, "--base-url", stub.url, "--db", db, "-q").exit_code == 0
    assert "nothing to submit" in sitrep("batch", "submit", path, "--base-url", stub.url, "--db", db).output
    sitrep("batch", "submit", path, "--base-url", stub.url, "--db", db, "--force")
    stub.finish()
    assert "1 documents stored" in sitrep("batch", "collect", "batch_1", "--db", db).output
    again = sitrep("batch", "collect", "batch_1", "--db", db)
    assert "0 documents stored (0 failed), 1 stored before" in again.output
    assert rows(db, "SELECT count(*) FROM runs") == ["(1,)"]
