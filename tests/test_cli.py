import json

import duckdb
from typer.testing import CliRunner

from extract.cli import app
from tests.conftest import EXAMPLE, FIXTURES

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def extract(db, *paths, **opts):
    extra = [x for k, v in opts.items() for x in (f"--{k.replace('_', '-')}", v)]
    return run("extract", *paths, "--provider", "replay", "--fixtures", FIXTURES, "--db", db, *extra)


def test_extract_prints_records_and_leaves_a_queryable_db(db):
    result = extract(db, EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "IRIS-T SLM" in result.output and "2 transfers" in result.output
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT supplier, recipient, weapon, status FROM latest_transfers ORDER BY idx").fetchall()
    assert rows == [("Germany", "Ukraine", "IRIS-T SLM", "delivered"), ("Germany", "Ukraine", "IRIS-T SLM", "agreed")]
    assert con.execute("SELECT bool_and(grounded) FROM evidence").fetchone()[0] is True


def test_sql_formats_and_read_only_by_default(db):
    extract(db, EXAMPLE)
    out = run("sql", "SELECT name, country FROM latest_actors ORDER BY name", "--db", db, "--format", "json")
    assert out.exit_code == 0
    assert {"name": "Germany", "country": "DEU"} in json.loads(out.output)
    csv_out = run("sql", "SELECT count(*) AS n FROM transfers", "--db", db, "--format", "csv")
    assert csv_out.output.splitlines() == ["n", "2"]
    denied = run("sql", "DELETE FROM transfers", "--db", db)
    assert denied.exit_code == 2 and "read-only" in denied.output.lower()
    assert "Traceback" not in denied.output


def test_show_and_runs(db):
    extract(db, EXAMPLE)
    doc_id = json.loads(run("sql", "SELECT doc_id FROM documents", "--db", db, "--format", "json").output)[0]["doc_id"]
    shown = run("show", doc_id[:6], "--db", db)
    assert shown.exit_code == 0 and "Germany hands Ukraine" in shown.output and "Christine Lambrecht" in shown.output
    runs = run("runs", "--db", db)
    assert runs.exit_code == 0 and "replay" in runs.output


def test_bad_inputs_fail_clearly_and_the_batch_goes_on(db, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = extract(db, empty, binary, EXAMPLE)
    assert result.exit_code == 1
    assert "empty file" in result.output and "binary" in result.output
    assert "Traceback" not in result.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM latest_transfers").fetchone()[0] == 2  # good file still landed


def test_malformed_model_output_is_stored_as_a_failed_run(db, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Tirana, 1 May 2024\n\nAlbania orders Bayraktar drones from Turkey, officials said.\n")
    fixtures = tmp_path / "fx"
    fixtures.mkdir()
    bad = ["not json at all", '{"actors": [{"name": "Albania"}]}', '{"transfers": "x"}']
    (fixtures / "a.json").write_text(json.dumps({"match": ["Albania orders"], "responses": bad}))
    result = run("extract", article, "--provider", "replay", "--fixtures", fixtures, "--db", db)
    assert result.exit_code == 1 and "failed" in result.output and "Traceback" not in result.output
    con = duckdb.connect(str(db), read_only=True)
    status, error, calls = con.execute("SELECT status, error, calls FROM runs").fetchone()
    assert status == "failed" and "validation" in error.lower() or "valid" in error.lower()
    assert calls == 3  # first answer + 2 re-asks
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1  # the document is kept


def test_resume_after_a_killed_batch_has_no_duplicates(db, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_text(EXAMPLE.read_text() + "\n")  # same prose, another document
    extract(db, EXAMPLE)  # "killed" after the first document
    second = extract(db, EXAMPLE, copy)
    assert "skipped" in second.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
    assert con.execute("SELECT count(*), count(DISTINCT (run_id, idx)) FROM transfers").fetchone() == (4, 4)


def test_unknown_provider_and_missing_key_are_one_line_errors(db, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = run("extract", EXAMPLE, "--provider", "nope", "--db", db)
    assert result.exit_code == 2 and "unknown provider" in result.output
    result = run("extract", EXAMPLE, "--provider", "openai", "--db", db)
    assert result.exit_code == 2 and "OPENAI_API_KEY" in result.output


def test_bad_options_are_one_line_errors(db):
    result = extract(db, EXAMPLE, passes="triple")
    assert result.exit_code == 2 and "passes must be one of single, per-type" in result.output
    result = extract(db, EXAMPLE, chunk_chars="10")
    assert result.exit_code == 2 and "too small" in result.output
