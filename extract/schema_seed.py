"""A new database file as a copy of one this process already migrated.

Why: applying every migration to a new file costs ~35 ms of CPU in DuckDB (its DDL), on top of the
~16 ms that any open costs. A process that creates several databases (eval runs into fresh files,
shards, the test suite's hundreds) migrates one template in a temporary folder and copies it
(about 1 ms) for each further new file. The first new file of a process is migrated as before, so a
one-shot command pays nothing extra. The migrations themselves and their order are unchanged: the
template is built by them, and `Store.migrate` still runs on the copy (finding nothing pending).
A copy's schema_version.applied_at is when this process migrated the template (an UPDATE would
cost a checkpoint, ~15 ms, more than half of what the copy saves).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb

_lock = threading.Lock()
_new_files = 0
_template: Path | None = None


def seed(path: Path, build: Callable[[Path], None]) -> bool:
    """Put a migrated copy at `path`, which does not exist yet. False: the caller migrates it itself
    (the first new file of the process, or a copy that could not be made)."""
    global _new_files
    with _lock:
        _new_files += 1
        if _new_files < 2:
            return False
        try:
            template = _template or _build(build)
        except (OSError, RuntimeError, duckdb.Error):  # no temporary folder, say: migrate in place
            return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.seed")
    try:
        shutil.copyfile(template, tmp)
        os.link(tmp, path)  # atomic, and never over a file another writer created meanwhile
    except OSError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def _build(build: Callable[[Path], None]) -> Path:
    global _template
    folder = Path(tempfile.mkdtemp(prefix="sitrep-schema-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    build(folder / "template.duckdb")
    _template = folder / "template.duckdb"
    return _template
