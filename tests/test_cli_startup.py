"""`sitrep` starts without the heavy libraries its commands import when they run: the OpenAI SDK and
instructor (a second or more), the matcher's scipy, numpy, jinja2 and Ray. `sitrep sql`, `show`,
`runs` and `--help` pay only for what they use; `extract` and `eval` import the rest themselves."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ("openai", "instructor", "scipy", "numpy", "sklearn", "jinja2", "ray", "trafilatura", "llama_cpp")
PROBE = "import json, sys; import extract.cli; print(json.dumps(sorted(m for m in sys.modules if '.' not in m)))"


def test_importing_the_cli_loads_none_of_the_heavy_libraries():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         check=True)
    loaded = set(json.loads(out.stdout))
    assert "typer" in loaded and "duckdb" in loaded  # the probe sees what was imported
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
