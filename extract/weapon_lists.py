"""The other weapons of a transfer's sentence or list, for the small-model strategy.

Why: asked which weapons a sentence transfers, the 1.5B model names the first one or two of a list
("the package includes Stinger, GMLRS, Javelin …") and stops; a fact sheet's bullet list after
"the package contains:" loses all but one item. The parties of the model's record are right far more
often than its weapon list is complete, so every other weapon the same sentence (or the same list)
names becomes a record with the same parties. Named systems come from the weapons lexicon; a list
item the lexicon does not know counts when its words say what it is ("small-arms ammunition").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract import lexicon
from extract.windows import Sentence
from schemas.records import Weapon

_BULLET = re.compile(r"^\s*(?:[-–—•*·▪]|\d{1,2}[.)])\s+")
# An item's head ends where its purpose or destination begins ("… for reconnaissance", ", to help …").
_ITEM_END = re.compile(r"\s*(?:[,;:(]|\s(?:for|to|that|which|pour|afin|para|für|zur|zum|pentru|для|щоб|чтобы)\s).*$",
                       re.IGNORECASE | re.DOTALL)


def list_members(sents: list[Sentence], index: int) -> list[Sentence]:
    """The bullet items of the list a sentence heads (it ends with ":") or belongs to; [] when it is
    in no list."""
    start = index
    if not sents[index].text.rstrip().endswith(":"):
        if not _BULLET.match(sents[index].text):
            return []
        while start > 0 and _BULLET.match(sents[start - 1].text):
            start -= 1
        start -= 1  # the header, when there is one
    items = []
    for s in sents[start + 1:]:
        if not _BULLET.match(s.text):
            break
        items.append(s)
    return items


def _generic(item: Sentence) -> Weapon | None:
    """A list item the lexicon does not know, as a weapon when its words name a category."""
    head = _ITEM_END.sub("", _BULLET.sub("", item.text)).strip(" .")
    category = lexicon.category_hint(head)
    if not head or category is None or len(head.split()) > 8:
        return None
    try:
        return Weapon(name=head, category=category)
    except ValueError:
        return None


def _is_generic(entry: lexicon.WeaponEntry) -> bool:
    """"artillery shells", "rockets": words any sentence about the war uses, not a named system."""
    return entry.name == entry.name.lower()


def specific_weapons(text: str) -> list[lexicon.WeaponEntry]:
    """The named systems (not "artillery shells") a text mentions."""
    return [e for e in lexicon.weapons_in(text) if not _is_generic(e)]


def generic_weapons(text: str) -> list[lexicon.WeaponEntry]:
    """The generic words ("artillery shells", "rockets") a text mentions."""
    return [e for e in lexicon.weapons_in(text) if _is_generic(e)]


def siblings(sents: list[Sentence], around: set[int]) -> Iterator[tuple[Weapon, Sentence]]:
    """Every weapon named in the given sentences and in the lists they head or belong to, with the
    sentence that names it."""
    seen: set[int] = set()
    for index in sorted(around):
        for sentence in [sents[index], *list_members(sents, index)]:
            if sentence.index in seen:
                continue
            seen.add(sentence.index)
            named = specific_weapons(sentence.text)
            for entry in named:
                yield Weapon(name=entry.name, category=entry.category), sentence
            if not named and _BULLET.match(sentence.text):
                generic = _generic(sentence)
                if generic is not None:
                    yield generic, sentence
