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
