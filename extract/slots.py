"""Transfer questions asked per named weapon (small-model strategy, `slots`).

Why: asked to list the transfers of a passage, the 1.5B model names one or two and stops; on
articles nobody here tuned on it found 3 transfers in 10 (recall 0.28–0.30 on three held-out
splits) although the weapons lexicon located the system of most missed transfers in the text. Filling
a slot is easier for a small model than enumerating: the answer's schema has one key per named
system of the passage's transfer sentences, and the model says who gives it to whom, or null when
the passage only mentions it. Systems the lexicon does not know go into a short free list beside the
slots. The evidence sentence of a slot is the first transfer sentence that names the system, so the
model spends no tokens on sentence numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from extract import roles
from extract.lexicon import WeaponEntry
from extract.weapon_lists import specific_weapons
from extract.windows import Sentence, triggered
from schemas.fields import Category, Certainty, Status

MAX_SLOTS = 8  # systems per question; a longer list is split over the passage's other questions
MAX_OTHER = 3  # unlisted systems per question: the free list is where the model loops


@dataclass(frozen=True)
class Stated:
    """One transfer as the record rules read it (the fields of the free list's items)."""

    sentence: int
    supplier: str
    recipient: str
    weapon: str
    category: Category
    quantity: int | None
    status: Status
    certainty: Certainty


def weapons(sents: list[Sentence], ids: list[int]) -> list[tuple[WeaponEntry, int]]:
    """The named systems of the passage's transfer sentences, each with the first one naming it."""
    found: dict[str, tuple[WeaponEntry, int]] = {}
    for i in ids:
        text = sents[i].text
        if triggered(text, "transfers") or roles.transfer_act(text):
            for entry in specific_weapons(text):
                found.setdefault(entry.id, (entry, i))
    return list(found.values())


def response_model(slots: list[tuple[WeaponEntry, int]], party: Any, item: type[BaseModel]) -> type[BaseModel]:
    """One nullable key per system, in order of mention, then the free list for the rest."""
    answer = create_model("Slot", supplier=(party, ...), recipient=(party, ...), quantity=(int | None, None),
                          status=(Status, ...), certainty=(Certainty, ...))
    fields: dict[str, Any] = {f"w{i}": (answer | None, Field(alias=entry.name)) for i, (entry, _) in enumerate(slots)}
    fields["other"] = (list[item], Field(default_factory=list, max_length=MAX_OTHER))
    # by name too: the answer cache stores w0, w1 … (model_dump), the model writes the systems' names
    return create_model("TransferSlots", __config__=ConfigDict(populate_by_name=True), **fields)


def stated(answer: BaseModel, slots: list[tuple[WeaponEntry, int]]) -> list[Any]:
    """The filled slots as transfers, then the free list's items."""
    out: list[Any] = []
    for i, (entry, sentence) in enumerate(slots):
        slot = getattr(answer, f"w{i}", None)
        if slot is not None:
            out.append(Stated(sentence, slot.supplier, slot.recipient, entry.name, Category(entry.category),
                              slot.quantity, slot.status, slot.certainty))
    return [*out, *getattr(answer, "other", [])]
