"""Bounds on what one document may cost and what one answer may store.

Why: the schema caps list lengths but not string lengths, so a model (or a hostile server) could
store a 3 MB `role`; and a 4.9 MB file silently became 416 model calls. Strings are cut at
MAX_CHARS with a note (the run is then `partial`, the note says which field), and a document that
would need more than `max_chunks` model calls is refused before the first call, with the numbers.
"""

from __future__ import annotations

from pydantic import BaseModel

from schemas import kinds
from schemas.records import Extraction

MAX_CHARS = 2_000  # longest string kept in any record field (names, roles, quotes, topics)
MAX_CHUNKS = 40  # default --max-chunks: about 480,000 characters at the default chunk size


class TooLong(ValueError):
    """The document needs more model calls than allowed; the message gives the numbers."""


def check_chunks(source: str, chars: int, chunks: int, max_chunks: int) -> None:
    if chunks > max_chunks:
        raise TooLong(f"{source}: {chars:,} characters make {chunks} model calls, over the limit of "
                      f"{max_chunks} (--max-chunks); split the file or raise --max-chunks")


def cap_strings(extraction: Extraction, limit: int = MAX_CHARS) -> list[str]:
    """Cut every over-long string field in place; one note per cut field."""
    notes: list[str] = []
    for kind, records in kinds.records_of(extraction):
        for i, record in enumerate(records):
            _cap(record, f"{kind.name}[{i}]", limit, notes)
    return notes


def _cap(model: BaseModel, where: str, limit: int, notes: list[str]) -> None:
    for name in type(model).model_fields:
        value = getattr(model, name, None)
        if isinstance(value, BaseModel):
            _cap(value, f"{where}.{name}", limit, notes)
        elif isinstance(value, str) and len(value) > limit:
            setattr(model, name, value[:limit])
            notes.append(f"{where}.{name} cut from {len(value):,} to {limit:,} characters")
        elif isinstance(value, list) and any(isinstance(v, str) and len(v) > limit for v in value):
            setattr(model, name, [v[:limit] if isinstance(v, str) else v for v in value])
            notes.append(f"{where}.{name}: an item cut to {limit:,} characters")
