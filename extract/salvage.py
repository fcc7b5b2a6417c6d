"""Keep the valid part of an answer that failed validation after every re-ask.

A 1.5B model at temperature 0 often repeats the same answer to a re-ask, so one bad record (a
supplier that names no actor) would otherwise cost the whole document. Each record is validated
on its own; invalid ones are dropped and *named* in the run's notes, never silently.
"""

from __future__ import annotations

import json
import re
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from schemas import kinds, role_rule

T = TypeVar("T", bound=BaseModel)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


def _item_type(model: type[BaseModel], field: str) -> type[BaseModel]:
    return typing.get_args(model.model_fields[field].annotation)[0]


def _short(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())[:200]


def _validate_item(kind: type[BaseModel], item: Any, context: dict[str, Any],
                   label: str) -> tuple[BaseModel | None, str | None]:
    """The record, or the record without its invalid optional fields (an actor whose country code
    is 'IRI' is still Iran), or None; and a note saying what was removed or why it was dropped."""
    try:
        return kind.model_validate(item, context=context), None
    except ValidationError as exc:
        first = exc
    bad = {e["loc"][0] for e in first.errors() if e["loc"]}
    optional = {f for f in bad if f in kind.model_fields and not kind.model_fields[f].is_required()}
    if not isinstance(item, dict) or not optional or optional != bad:
        return None, f"dropped {label}: {_short(first)}"
    try:
        record = kind.model_validate({k: v for k, v in item.items() if k not in optional}, context=context)
    except ValidationError:
        return None, f"dropped {label}: {_short(first)}"
    return record, f"removed {label}." + f", {label}.".join(sorted(map(str, optional))) + f": {_short(first)}"


def salvage(raw: str, model: type[T], context: dict[str, Any]) -> tuple[T, list[str]]:
    """The valid records of `raw` as a `model`, and one note per dropped record. Raises ValueError
    when no record survives: an empty result would pass for a clean negative document."""
    try:
        data = json.loads(_FENCE.sub("", raw.strip()))
    except json.JSONDecodeError as exc:
        raise ValueError(f"answer is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("answer is not a JSON object")
    data = role_rule.add_country_actors(data, role_rule.role_lists(model))
    kept: dict[str, list] = {}
    notes: list[str] = []
    actors = kinds.ACTORS.name  # first: the events' roles are checked against the actors kept
    order = [actors, *(f for f in model.model_fields if f != actors)]
    for field in (f for f in order if f in model.model_fields):
        kept[field] = []
        items = data.get(field) or []
        if not isinstance(items, list):
            notes.append(f"dropped {field}: not a list")
            continue
        for i, item in enumerate(items):
            record, note = _validate_item(_item_type(model, field), item, context, f"{field}[{i}]")
            if record is not None:
                kept[field].append(record)
            notes += [note] if note else []
    index = role_rule.actor_index([*kept.get("actors", []), *context.get("actors", [])])
    events, dropped = role_rule.drop({f: kept[f] for f in role_rule.role_lists(model) if f in kept}, index)
    kept.update(events)
    notes += dropped
    if not any(kept.values()):
        raise ValueError("no valid record in the answer")
    return model.model_validate({k: [r.model_dump() for r in v] for k, v in kept.items()}, context=context), notes
