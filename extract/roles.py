"""Roles that fit the fact, checked without a model.

Why: the 1.5B model made a buyer the supplier, a president "send" a missile system to another
president, an agency or an airline a party, and soldiers a weapon. The per-document enums already
keep persons out of supplier/recipient/sender/host; the rules here fix the direction a preposition
makes plain ("from Y", "to Z") and reject weapons that are people.
"""

from __future__ import annotations

import re

from extract import lexicon

PARTY_KINDS = ("state", "armed_forces", "armed_group", "company", "international_org", "government_body")
FORCE_KINDS = ("state", "armed_forces", "armed_group", "international_org")
MEETING_KINDS = ("person",)

# A party named right after one of these words receives ("to Ukraine", "către Ucraina", "à l'Arménie",
# "an die Ukraine"); after these it supplies ("from Iran", "de la Rusia", "auprès de la France"). Words
# that also mean "of" or "in" ("de", "din", "в", "у") are left out: they would flip correct records.
_TO = ("to", "towards", "către", "catre", "pentru", "à", "au", "aux", "an", "nach", "für", "hacia", "para", "до",
       "для", "إلى")
_FROM = ("from", "de la", "auprès de", "aupres de", "von", "aus", "desde", "от", "від", "من")
_AGAINST = ("against", "on", "at", "împotriva", "impotriva", "asupra", "contre", "sur", "gegen", "auf", "contra",
            "sobre", "против", "по", "проти", "على", "ضد")
_NOT_WEAPONS = ("soldier", "troop", "personnel", "mercenar", "instructor", "adviser", "advisor", "officer", "crew",
                "soldat", "trupe", "militari", "troupes", "militaires", "soldaten", "truppen", "tropas", "soldados",
                "солдат", "военн", "войск", "військов", "бійц", "士兵", "جنود")


def preceded_by(text: str, start: int, words: tuple[str, ...]) -> bool:
    """True when the text right before `start` ends with one of `words` (folded, as whole words)."""
    raw = lexicon.key(text[max(0, start - 16):start])
    bare = re.sub(r"\b(?:the|la|le|les|l|el|los|las|die|der|den|dem)$", "", raw).strip()
    return any(b == w or b.endswith(" " + w) for b in (raw, bare) for w in (lexicon.key(w) for w in words))


def direction(sentence: str, supplier_spans: list[tuple[int, int]], recipient_spans: list[tuple[int, int]]) -> bool:
    """True when supplier and recipient must be swapped: the sentence names the supplier after "to"
    or the recipient after "from" (in any supported language), and nothing says the opposite. The
    verb's voice does not matter: "X bought K2 from Y" and "Y delivered K2 to X" both put the
    supplier after "from" or before "to"."""
    flip = any(preceded_by(sentence, s, _TO) for s, _ in supplier_spans) + any(
        preceded_by(sentence, s, _FROM) for s, _ in recipient_spans)
    keep = any(preceded_by(sentence, s, _FROM) for s, _ in supplier_spans) + any(
        preceded_by(sentence, s, _TO) for s, _ in recipient_spans)
    return flip > 0 and keep == 0


def attacked(sentence: str, recipient_spans: list[tuple[int, int]]) -> bool:
    """True when the "recipient" is named after "against"/"împotriva"/"против": the weapon was used on
    it, not given to it (a drone "sent" to the country it struck)."""
    return any(preceded_by(sentence, s, _AGAINST) for s, _ in recipient_spans)


def is_people(weapon_name: str) -> bool:
    """"North Korean soldiers", "Wagner personnel": a deployment, never a weapon."""
    folded = f" {lexicon.key(weapon_name)}"
    return any(f" {lexicon.key(stem)}" in folded for stem in _NOT_WEAPONS)


def is_not_party(name: str) -> bool:
    """Media and airlines are never suppliers, recipients, senders or hosts."""
    return lexicon.key(name) in lexicon.not_parties()
