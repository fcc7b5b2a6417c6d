"""Answers that could not be written to the database, kept as JSON files until a later run stores them.

A model answer may have been paid for, or taken minutes on the embedded model: a full disk or a
reader that holds the database file must not throw it away. `keep()` writes everything
`Store.write_run` needs next to the database (`<db>.pending/<run_id>.json`, written to a temporary
name and renamed, so a crash never leaves half a file); the next writer that opens the database
stores each kept answer and deletes its file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from extract.load import Document

log = logging.getLogger("sitrep.store")


def folder(db: Path) -> Path:
    return db.with_name(db.name + ".pending")


def keep(db: Path, doc: Document, run: Any, usage: Any, rows: dict[str, list[dict]] | None,
         status: str, error: str | None) -> Path | None:
    """Save one unstored answer; None when even that fails (the disk is full)."""
    record = {"doc": asdict(doc), "run": {**asdict(run), "started_at": run.started_at.isoformat()},
              "usage": {k: getattr(usage, k) for k in ("calls", "prompt_tokens", "completion_tokens", "seconds")},
              "rows": rows, "status": status, "error": error}
    path = folder(db) / f"{run.run_id}.json"
    tmp = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not keep the answer for %s either: %s", doc.source, exc)
        tmp.unlink(missing_ok=True)
        return None
    return path


def pending(db: Path) -> list[Path]:
    where = folder(db)
    return sorted(where.glob("*.json")) if where.is_dir() else []


def load(path: Path) -> dict[str, Any]:
    """The keyword arguments of Store.write_run for one kept answer, but `run` as the fields of its
    RunInfo: the store builds that itself (spool importing store would make an import cycle)."""
    from extract.providers.base import Usage

    data = json.loads(path.read_text(encoding="utf-8"))
    run = data["run"]
    return {"doc": Document(**data["doc"]),
            "run": {**run, "started_at": datetime.fromisoformat(run["started_at"])},
            "usage": Usage(**data["usage"]), "rows": data["rows"], "status": data["status"],
            "error": data["error"]}


def done(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # the folder goes when it is empty
        path.parent.rmdir()
