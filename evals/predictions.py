"""Predictions in the gold/1 format: another system's output, or a second annotator's gold folder.

A prediction is a claim, so records marked `optional` are left out; `confidence` counts only
where the file states it, and `evidence` may be missing. Files are matched to gold by
`document.id`; the text file they name need not exist (the gold folder holds the text).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from evals.dataset import Sample
from evals.match import Pred, match_document
from evals.score import DocScore
from extract.ground import locate
from schemas import kinds
from schemas.gold import GoldError, GoldFile


def as_predictions(gold: GoldFile) -> dict[str, list[Pred]]:
    """The required records of a gold/1 file as scored predictions."""
    out: dict[str, list[Pred]] = {}
    for kind in kinds.names():
        records = [r for r in getattr(gold, kind) if not r.optional]
        out[kind] = [Pred(r, r.confidence if "confidence" in r.model_fields_set else None) for r in records]
    return out


def read_predictions(path: Path) -> GoldFile:
    """One gold/1 file, validated; a bad file raises GoldError naming the file and the field."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return GoldFile.model_validate(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: cannot read predictions JSON: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors())
        raise GoldError(f"{path}: {problems}") from exc


def load_predictions(folder: Path) -> dict[str, GoldFile]:
    """Every *.json file under the folder, by document.id (an id used twice is an error)."""
    if not folder.is_dir():
        raise GoldError(f"{folder}: not a folder")
    found: dict[str, GoldFile] = {}
    where: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.json")):
        pred = read_predictions(path)
        doc_id = pred.document.id
        if doc_id in where:
            raise GoldError(f"{path}: document.id {doc_id!r} is also used by {where[doc_id]}")
        found[doc_id], where[doc_id] = pred, path
    if not found:
        raise GoldError(f"{folder}: no *.json prediction files")
    return found


def score_predictions(samples: list[Sample], predicted: dict[str, GoldFile]) -> list[DocScore]:
    """Score each gold document against its prediction file; a document without one failed."""
    docs = []
    for sample in samples:
        found = predicted.get(sample.id)
        if found is None:
            empty: dict[str, list[Pred]] = {k: [] for k in kinds.names()}
            docs.append(DocScore(sample.id, "failed", match_document(empty, sample.gold),
                                 match_document(empty, sample.gold, "lenient"), text=sample.text,
                                 error="no prediction file with this document.id"))
            continue
        preds = as_predictions(found)
        quotes = [q for items in preds.values() for p in items for q in p.record.evidence]
        grounded = sum(locate(q, sample.text).grounded for q in quotes)
        docs.append(DocScore(sample.id, "ok", match_document(preds, sample.gold),
                             match_document(preds, sample.gold, "lenient"), quotes=len(quotes),
                             grounded_quotes=grounded, text=sample.text))
    return docs
