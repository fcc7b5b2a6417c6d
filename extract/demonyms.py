"""Adjectives of nationality in their inflected forms ("ukrainiennes", "români", "italiani").

Why: the gazetteer lists an adjective of nationality in one or two forms per language, but French,
Romanian, Spanish, Italian and German inflect it for gender, number and case ("les bases
ukrainiennes", "militari români", "deutschen Soldaten"), and a deployment is often written with
nothing but that adjective for its sender or host. The forms here are made from the listed ones by
the languages' regular endings; Cyrillic ones are matched by their stem.
"""

from __future__ import annotations

from functools import cache

from extract import lexicon

# (ending of a listed form, endings of the other forms) in the supported Latin-script languages, as
# lexicon.key folds them (lower case, no diacritics).
_ENDINGS = (
    ("ien", ("ienne", "iennes", "iens")),  # ukrainien
    ("ais", ("aise", "aises")),  # français, néerlandais
    ("ois", ("oise", "oises")),  # chinois
    ("ain", ("aine", "aines", "ains")),  # américain
    ("esc", ("esti", "easca")),  # românesc (keys are folded: no diacritics)
    ("ez", ("eza", "ezi", "eze")),  # francez
    ("an", ("ani", "ana", "ane")),  # român, american
    ("o", ("a", "os", "as", "i", "e")),  # ruso, italiano
    ("isch", ("ische", "ischen", "ischer", "isches")),  # russisch
    ("e", ("es", "i")),  # russe, francese
)


# Regular forms that are also common words ("germane" to a question, a "ruse").
_WORDS = frozenset({"germane", "ruses", "polskiega"})


@cache
def _forms() -> dict[str, lexicon.ActorEntry]:
    """Every listed single-word Latin-script adjective with its regular inflected forms."""
    table = lexicon.demonyms()
    out: dict[str, lexicon.ActorEntry] = {}
    for word, entry in table.items():
        if " " in word or not ("a" <= word[:1] <= "z") or len(word) < 5:
            continue
        for ending, others in _ENDINGS:
            if word.endswith(ending) and len(word) > len(ending) + 2:
                for other in others:
                    out.setdefault(lexicon.key(word[: len(word) - len(ending)] + other), entry)
                break
    return {k: v for k, v in out.items() if k not in table and k not in _WORDS}


def demonym_of(word: str) -> lexicon.ActorEntry | None:
    """The state an adjective of nationality in any of its forms refers to, or None."""
    k = lexicon.key(word)
    return lexicon.demonyms().get(k) or _forms().get(k) or inflected_demonym(word)


@cache
def _demonym_stems() -> dict[str, lexicon.ActorEntry]:
    """Cyrillic adjectives of nationality less their ending ("иранск" from "иранские"): Russian and
    Ukrainian decline them ("иранских ракет", "американським")."""
    stems: dict[str, lexicon.ActorEntry] = {}
    for k, entry in lexicon.demonyms().items():
        if " " not in k and len(k) >= 7 and "\u0400" <= k[0] <= "\u04ff":
            stems.setdefault(k[:-2], entry)
    return stems


def inflected_demonym(word: str) -> lexicon.ActorEntry | None:
    """The state of a declined Cyrillic adjective of nationality ("иранских" → Iran), or None."""
    k = lexicon.key(word)
    if not k or not ("\u0400" <= k[0] <= "\u04ff"):
        return None
    for cut in range(len(k) - 1, max(len(k) - 4, 4), -1):
        if k[:cut] in _demonym_stems():
            return _demonym_stems()[k[:cut]]
    return None
