"""Stop a small model that repeats itself, and keep what it said before the loop.

Grammar-constrained decoding guarantees JSON, not sense: the 1.5B model sometimes writes the same
actor again and again until the list cap (2,047 tokens, 4 minutes on 2 cores, for one article).
While streaming, `looping()` spots the repetition; `close_json()` turns the cut-off answer into
valid JSON: the unfinished last item is dropped and repeated items are kept once.
"""

from __future__ import annotations

import json

import pydantic_core

TAIL = 160  # characters compared; a record repeated verbatim is longer than this
REPEATS = 3  # the tail occurs this many times: the model is looping


def looping(text: str, tail: int = TAIL, repeats: int = REPEATS) -> bool:
    """True when the last `tail` characters already occur `repeats` times in `text`."""
    return len(text) >= tail * repeats and text.count(text[-tail:]) >= repeats


def close_json(text: str) -> tuple[str, str | None]:
    """Valid JSON from an answer cut off mid-way: partial parse, drop the unfinished tail item of
    the list being written, keep each repeated item once. Returns the JSON and the name of the list
    that was being written. Raises ValueError when nothing parses."""
    try:
        data = pydantic_core.from_json(text, allow_partial=True)
    except ValueError as exc:
        raise ValueError(f"cut-off answer does not parse: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("cut-off answer is not a JSON object")
    lists = [k for k, v in data.items() if isinstance(v, list)]
    if lists and data[lists[-1]]:
        data[lists[-1]] = data[lists[-1]][:-1]  # the item being written when the loop was cut
    for key in lists:
        seen: set[str] = set()
        unique = []
        for item in data[key]:
            marker = json.dumps(item, sort_keys=True, ensure_ascii=False)
            if marker not in seen:
                seen.add(marker)
                unique.append(item)
        data[key] = unique
    return json.dumps(data, ensure_ascii=False), (lists[-1] if lists else None)
