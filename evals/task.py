"""Task: run the extractor over a dataset (reusing stored runs) and score each document."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from evals.dataset import Sample
from evals.match import Pred, match_document
from evals.score import DocScore
from extract.pipeline import Options, extract_document
from extract.providers.base import Provider
from extract.store import Store
from schemas import kinds

log = logging.getLogger("sitrep.eval")


def stored_predictions(store: Store, run_id: str) -> dict[str, list[Pred]]:
    """Records of a run as scored predictions (confidence after the grounding penalty)."""
    out: dict[str, list[Pred]] = {}
    spans = _spans(store, run_id)
    for kind in kinds.kinds():
        _, rows = store.query(f"SELECT idx, record, confidence, grounded FROM {kind.table} WHERE run_id = ? "
                              "ORDER BY idx", [run_id])
        loaded = [(i, _load(kind.model, r), c, g) for i, r, c, g in rows]
        out[kind.name] = [Pred(record, c, g, tuple(spans.get((kind.name, i), ())))
                          for i, record, c, g in loaded if record is not None]
    return out


def _spans(store: Store, run_id: str) -> dict[tuple[str, int], list[tuple[int, int]]]:
    """The grounded spans of each stored record, as the pipeline carried them (extract/evidence.py)."""
    _, rows = store.query("SELECT record_type, record_idx, start_char, end_char FROM evidence "
                          "WHERE run_id = ? AND grounded ORDER BY record_type, record_idx, quote_idx", [run_id])
    out: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for kind, idx, start, end in rows:
        out.setdefault((kind, idx), []).append((start, end))
    return out


def _load(model: type, raw: str) -> Any:
    """A stored record; one that an older, buggier pipeline wrote and the schema now rejects is
    left out of scoring, with a warning, rather than crashing the eval."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        log.warning("stored %s record no longer validates, not scored: %s", model.__name__,
                    " ".join(str(exc).split())[:200])
        return None


def run_stats(store: Store, run_id: str) -> dict[str, Any]:
    _, rows = store.query("SELECT r.latency_s, coalesce(r.prompt_tokens, 0) + coalesce(r.completion_tokens, 0), "
                          "(SELECT count(*) FROM evidence e WHERE e.run_id = r.run_id), "
                          "(SELECT count(*) FROM evidence e WHERE e.run_id = r.run_id AND e.grounded) "
                          "FROM runs r WHERE r.run_id = ?", [run_id])
    seconds, tokens, quotes, grounded = rows[0]
    return {"seconds": seconds or 0.0, "tokens": tokens or 0, "quotes": quotes, "grounded_quotes": grounded}


def evaluate(samples: list[Sample], provider: Provider, store: Store, options: Options | None = None,
             on_done: Callable[[DocScore], None] | None = None) -> list[DocScore]:
    options = options or Options()
    scores = []
    for sample in samples:
        result = extract_document(sample.document(), provider, store, options)
        if result.status == "failed":
            stats = run_stats(store, result.run_id) if result.run_id else {}
            empty = {k: [] for k in kinds.names()}
            score = DocScore(sample.id, "failed", match_document(empty, sample.gold),
                             match_document(empty, sample.gold, "lenient"), error=result.error, text=sample.text,
                             **stats)
        else:
            preds = stored_predictions(store, result.run_id)
            score = DocScore(sample.id, result.status, match_document(preds, sample.gold),
                             match_document(preds, sample.gold, "lenient"), text=sample.text,
                             **run_stats(store, result.run_id))
        scores.append(score)
        if on_done:
            on_done(score)
    return scores
