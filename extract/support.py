"""Drop actors the article never mentions, and the records that need them.

A small model sometimes copies names from its worked example or its general knowledge into an
article that does not contain them (Erdogan and Duda in a story about Korean tanks). An actor is
supported when its name, an alias, the surname of a person, or any known name of its country occurs
in the text; an actor that is not a person may also be supported by one of its quotes. Everything dropped is named
in the run's notes; nothing goes silently.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from extract.evidence import Grounding
from extract.ground import fold
from schemas import role_rule
from schemas.fields import ActorKind
from schemas.names import country_for_name, country_names
from schemas.records import Actor, Extraction

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _labels(actor: Actor) -> list[str]:
    labels = [actor.name, *actor.aliases]
    if actor.kind == ActorKind.person and len(actor.name.split()) > 1:
        labels.append(actor.name.split()[-1])
    code = actor.country or (country_for_name(actor.name) if actor.kind == ActorKind.state else None)
    if code and actor.kind == ActorKind.state:
        labels += list(country_names(code))
    return [label for label in labels if len(label.strip()) >= (2 if _CJK.search(label) else 3)]  # 普京


def mentioned(label: str, folded_text: str) -> bool:
    """Whole-word occurrence after case, diacritic and punctuation folding; a Chinese, Japanese or
    Korean name anywhere (no spaces between words: "习近平" in "国家主席习近平同普京会谈")."""
    needle = fold(label, deep=True)[0].strip()
    if needle and _CJK.search(needle):
        return needle in folded_text
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", folded_text) is not None


def _near_mention(label: str, folded_text: str) -> bool:
    """A spelling variant (Zelensky / Zelenski): one alignment of >= 85 for names of 5+ letters."""
    needle = fold(label, deep=True)[0].strip()
    return len(needle) >= 5 and fuzz.partial_ratio(needle, folded_text, score_cutoff=85) > 0


def is_supported(actor: Actor, text: str, folded_text: str | None = None, grounding: Grounding | None = None) -> bool:
    """A person must be named in the text (the model copied other people's names into evidence
    lists, e.g. "Recep Tayyip Erdogan" with the quote "Joe Biden"); other actors may also be
    supported by a quote found in the text, since their names are often translated."""
    folded_text = folded_text if folded_text is not None else fold(text, deep=True)[0]
    labels = _labels(actor)
    if any(mentioned(label, folded_text) for label in labels):
        return True
    if actor.kind == ActorKind.person:
        surnames = {n.split()[-1] for n in [actor.name, *actor.aliases] if n.split()}
        return any(_near_mention(name, folded_text) for name in surnames)
    return any(s.grounded for s in (grounding or Grounding(text)).ground(actor.evidence))


def drop_unsupported(extraction: Extraction, text: str,
                     grounding: Grounding | None = None) -> tuple[Extraction, list[str]]:
    """The extraction without actors absent from `text` and without records naming them; one note each.
    The pipeline passes the grounding its chunks' quotes went into: their spans are read, not searched again."""
    folded_text, grounding = fold(text, deep=True)[0], grounding or Grounding(text)
    flags = [is_supported(a, text, folded_text, grounding) for a in extraction.actors]
    kept = [a for a, ok in zip(extraction.actors, flags, strict=True) if ok]
    notes = [f"dropped actor {a.name!r}: neither its name nor its evidence occurs in the article"
             for a, ok in zip(extraction.actors, flags, strict=True) if not ok]
    if not notes:
        return extraction, []
    lists, dropped = role_rule.drop(role_rule.event_lists(extraction), role_rule.actor_index(kept),
                                    "names an actor not in the article", distinct=False)
    return Extraction.model_construct(actors=kept, **lists), notes + dropped
