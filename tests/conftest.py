from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import typer.testing

ROOT = Path(__file__).resolve().parent.parent
# The shared spec's gold example, its JSON copied (gold structure only; the seed text it annotates is
# not in the repo, so it is read with GoldFile, not load_gold). No test reads ../shared.
SHARED_GOLD = ROOT / "tests" / "data" / "shared-gold-example.json"
FIXTURES = ROOT / "tests" / "fixtures" / "replay"
EXAMPLE = ROOT / "examples" / "iris-t-ukraine.txt"


def query_rows(db: Path, sql: str) -> list[tuple]:
    """Rows of one query on a closed database file, opened read-only so a test never holds the writer's lock."""
    return query_many(db, sql)[0]


def query_many(db: Path, *sqls: str) -> list[list[tuple]]:
    """Rows of each query, on one read-only open (an open costs about 20 ms of CPU)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [con.execute(sql).fetchall() for sql in sqls]
    finally:
        con.close()


@pytest.fixture(autouse=True, scope="session")
def _build_each_cli_once() -> Iterator[None]:
    """typer's CliRunner turns the app into a click command on every invoke, reading every command's
    signature (about 18 ms); the suite invokes the same app hundreds of times, so each app is built
    once. The built command is what `sitrep` itself runs; nothing in the suite changes an app."""
    built: dict[typer.Typer, object] = {}  # keyed by the app itself (identity), kept alive by the key
    original = typer.testing._get_command

    def get_command(app: typer.Typer) -> object:
        if app not in built:
            built[app] = original(app)
        return built[app]

    typer.testing._get_command = get_command
    yield
    typer.testing._get_command = original


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "t.duckdb"


@pytest.fixture
def stub():
    """A started OpenAI-compatible stub server on 127.0.0.1 (tests/stub_server.py); stopped after the test."""
    from tests.stub_server import StubServer

    with StubServer() as server:
        yield server
