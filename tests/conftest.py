from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The shared spec's gold example, its JSON copied (gold structure only; the seed text it annotates is
# not in the repo, so it is read with GoldFile, not load_gold). No test reads ../shared.
SHARED_GOLD = ROOT / "tests" / "data" / "shared-gold-example.json"
FIXTURES = ROOT / "tests" / "fixtures" / "replay"
EXAMPLE = ROOT / "examples" / "iris-t-ukraine.txt"


def query_rows(db: Path, sql: str) -> list[tuple]:
    """Rows of one query on a closed database file, opened read-only so a test never holds the writer's lock."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "t.duckdb"


@pytest.fixture
def stub():
    """A started OpenAI-compatible stub server on 127.0.0.1 (tests/stub_server.py); stopped after the test."""
    from tests.stub_server import StubServer

    with StubServer() as server:
        yield server
