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
from functools import cache

from extract import lexicon
from extract.windows import Sentence
from schemas.records import Weapon

_BULLET = re.compile(r"^\s*(?:[-–—•*·▪]|\d{1,2}[.)])\s+")
# An item's head ends where its purpose or destination begins ("… for reconnaissance", ", to help …").
_ITEM_END = re.compile(r"\s*(?:[,;:(]|\s(?:for|to|that|which|pour|afin|para|für|zur|zum|pentru|для|щоб|чтобы)\s).*$",
                       re.IGNORECASE | re.DOTALL)


def list_members(sents: list[Sentence], index: int, text: str = "") -> list[Sentence]:
    """The bullet items of the list a sentence heads (it ends with ":") or belongs to; [] when it is
    in no list. With the text, a sentence that goes on on its item's line ("- FDI : quatre unités ;
    la première …" is cut at the semicolon) stays part of that item instead of ending the list."""
    @cache
    def item(i: int) -> bool:
        return bool(_BULLET.match(sents[i].text)) or (
            bool(text) and i > 0 and "\n" not in text[sents[i - 1].end:sents[i].start] and item(i - 1))

    start = index
    if not sents[index].text.rstrip().endswith(":"):
        if not item(index):
            return []
        while start > 0 and item(start - 1):
            start -= 1
        start -= 1  # the header, when there is one
    items = []
    for i in range(start + 1, len(sents)):
        if not item(i):
            break
        items.append(sents[i])
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


def siblings(sents: list[Sentence], around: set[int], text: str = "") -> Iterator[tuple[Weapon, Sentence]]:
    """Every weapon named in the given sentences and in the lists they head or belong to, with the
    sentence that names it."""
    seen: set[int] = set()
    for index in sorted(around):
        for sentence in [sents[index], *list_members(sents, index, text)]:
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
