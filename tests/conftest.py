from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures" / "replay"
EXAMPLE = ROOT / "examples" / "iris-t-ukraine.txt"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "t.duckdb"


@pytest.fixture
def stub():
    """A started OpenAI-compatible stub server on 127.0.0.1 (tests/stub_server.py); stopped after the test."""
    from tests.stub_server import StubServer

    with StubServer() as server:
        yield server
