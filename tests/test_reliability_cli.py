"""Issue 8: the CLI side (sql --write sandbox, small CLI gaps, load failures in `runs`), the
pipeline's run identity. Apart from test_reliability.py because they land with cli.py and
pipeline.py, which other people are editing too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.store import Store
from tests.conftest import ROOT
from tests.test_reliability import fill

runner = CliRunner()


@pytest.fixture
def filled(db):
    return fill(db)


def test_pipeline_identity_covers_base_url_and_fixtures_folder(tmp_path):
    from extract.pipeline import backend_of

    assert backend_of({"base_url": "http://u:pw@10.0.0.1:8080/v1?k=1"}) == "http://10.0.0.1:8080/v1"
    assert backend_of({"fixtures": "tests/fixtures/replay"}) == str((Path("tests/fixtures/replay")).resolve())
    assert backend_of({"mode": "json"}) == ""


def test_openai_base_url_from_the_environment_is_part_of_the_identity(monkeypatch):
    from extract.pipeline import backend_of

    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert backend_of({"base_url": None}) == ""  # api.openai.com: run ids as before
    monkeypatch.setenv("OPENAI_BASE_URL", "http://k:secret@127.0.0.1:9000/v1?key=q")
    assert backend_of({"base_url": None}) == "http://127.0.0.1:9000/v1"


def test_sql_write_changes_this_database_but_no_file(filled, tmp_path):
    ok = runner.invoke(app, ["sql", "CREATE TABLE notes (a INT)", "--db", str(filled), "--write"])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(app, ["sql", f"COPY actors TO '{tmp_path}/w.csv'", "--db", str(filled), "--write"])
    assert refused.exit_code == 2 and not (tmp_path / "w.csv").exists()


def test_small_cli_gaps_are_one_line_errors(filled):
    for args in (["runs", "--limit", "-1"], ["sql", ""], ["sql", "   "]):
        result = runner.invoke(app, [*args, "--db", str(filled)])
        assert result.exit_code == 2 and "Traceback" not in result.output, (args, result.output)
    env = {**os.environ, "SITREP_LOG": "bogus"}
    out = subprocess.run([sys.executable, "-c", "from extract.cli import main; main()", "runs", "--db", str(filled)],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert "Traceback" not in out.stderr and "not a log level" in out.stderr


def test_load_failures_are_listed_by_runs(db, tmp_path):
    with Store(db) as store:
        store.write_load_error(str(tmp_path / "bad.bin"), "bad.bin: looks binary (NUL bytes)")
        store.write_load_error(str(tmp_path / "bad.bin"), "bad.bin: looks binary (NUL bytes)")  # newest only
    result = runner.invoke(app, ["runs", "--db", str(db)])
    assert result.exit_code == 0 and result.output.count("load-failed") == 1, result.output
    with Store(db, read_only=True) as store:
        assert store.query("SELECT error FROM load_errors")[1] == [("bad.bin: looks binary (NUL bytes)",)]
