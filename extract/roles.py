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
TO = _TO = ("to", "towards", "către", "catre", "pentru", "à", "au", "aux", "an", "nach", "für", "hacia", "para", "до",
       "для", "إلى")
FROM = _FROM = ("from", "de la", "auprès de", "aupres de", "von", "aus", "desde", "от", "від", "من")
# A party named after these is where something happened ("told reporters in Laos"), not a party to it.
LOCATIVE = ("in", "at", "în", "dans", "im")
_AGAINST = ("against", "on", "at", "împotriva", "impotriva", "asupra", "contre", "sur", "gegen", "auf", "contra",
            "sobre", "против", "по", "проти", "على", "ضد")
_NOT_WEAPONS = ("soldier", "troop", "personnel", "mercenar", "instructor", "adviser", "advisor", "officer", "crew",
                "soldat", "trupe", "militari", "troupes", "militaires", "soldaten", "truppen", "tropas", "soldados",
                "солдат", "военн", "войск", "військов", "бійц", "士兵", "جنود")


# Buying verbs make the subject the recipient whatever preposition follows ("L'Iran a commandé des
# Su-35 à la Russie": "à" is "from" here); a sentence that also sells or delivers is left to the
# prepositions.
_BUY = ("buy", "bought", "purchas", "order", "achat", "achet", "command", "cumpăr", "cumpar", "achiziți",
        "achizitio", "kauf", "gekauft", "bestell", "compr", "adquir", "покупа", "купил", "купит", "закуп",
        "приобр", "купу", "придба", "اشتر", "购买", "采购")
_BY = ("by ", "von ", "de catre", "de către", "par ", "por ", "від ", "от ", "received", "receiv", "primit", "reçu",
       "erhalten", "recibi", "получ", "отрима")  # passive agents and receiving verbs: the giver is not first
_FOR = ("for", "für", "pentru", "pour", "para", "для")  # bought on behalf of a recipient
_SELL = ("sell", "sold ", "sale ", "sales ", "deliver", "supplie", "supply", "vend", "livr", "fourni", "vând", "vinde",
         "vand", "livra", "furniz", "verkauf", "liefer", "venta", "entreg", "suministr", "прода", "постав", "продаж",
         "باع", "出售", "交付", "geliefert", "zugesagt")


# Forces deployed with their own equipment ("Paris a déployé en Roumanie une batterie SAMP/T", "soldiers
# serve … with Leclerc tanks") are a deployment: no weapon changes hands unless a giving verb says so.
_DEPLOY = ("deploy", "station", "serve", "servent", "déploi", "déploy", "deploi", "stationn", "dislocat", "desfășur",
           "desfasur", "stationier", "verleg", "desplieg", "despleg", "размещ", "развер", "розгорн", "розміщ")
_GIVE = ("give", "gave", "given", "donat", "send", "sent", "transfer", "provid", "hand", "envoy", "envoi", "don",
         "cède", "cede", "trimi", "dona", "übergeb", "überlass", "schick", "envi", "переда", "отправ", "надісл",
         "надав", "передав")


def gives_actively(head: str) -> bool:
    """True when the words up to the second party give, sell or deliver in the active voice: a giving
    verb, no buying verb, no passive "by"/"von"/"de către"/"par"/"por"/"від"/"от" before it."""
    return (any(has_stem(head, g) for g in (_GIVE, _SELL)) and not has_stem(head, _BUY)
            and not has_stem(head, _BY))


def transfer_act(sentence: str) -> bool:
    """True when a word of the sentence gives, sends, sells, delivers or buys."""
    return any(has_stem(sentence, group) for group in (_BUY, _SELL, _GIVE))


# Goods on the move ("trains loaded with munitions transiting from X to Y"): with a route that names
# both ends, these say as much as a giving verb does.
_MOVE = ("transit", "tranzit", "ship", "carr", "load", "încărc", "incarc", "transport", "arriv", "sosit", "ajuns",
         "achemin", "перевоз", "доставл", "прибыл", "прибув", "везл", "шли ")


def moves_goods(sentence: str) -> bool:
    """True when a word of the sentence carries, ships or brings something somewhere."""
    return has_stem(sentence, _MOVE)


def own_equipment(sentence: str, context: str = "") -> bool:
    """True when the sentence deploys forces and neither it nor its context (the sentences around
    it) gives, sells or buys anything."""
    return has_stem(sentence, _DEPLOY) and not any(has_stem(f"{context} {sentence}", group)
                                                    for group in (_BUY, _SELL, _GIVE))


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
    if supplier_spans and recipient_spans and has_stem(sentence, _BUY) and not has_stem(sentence, _SELL):
        if any(preceded_by(sentence, s, _FROM) for s, _ in [*supplier_spans, *recipient_spans]):
            return any(preceded_by(sentence, s, _FROM) for s, _ in recipient_spans)  # "ordered from Korea"
        if any(preceded_by(sentence, s, _FOR) for s, _ in [*supplier_spans, *recipient_spans]):
            return any(preceded_by(sentence, s, _FOR) for s, _ in supplier_spans)  # "bestellt für die Ukraine"
        return min(supplier_spans)[0] < min(recipient_spans)[0]  # the buyer is the subject
    flip = any(preceded_by(sentence, s, _TO) for s, _ in supplier_spans) + any(
        preceded_by(sentence, s, _FROM) for s, _ in recipient_spans)
    keep = any(preceded_by(sentence, s, _FROM) for s, _ in supplier_spans) + any(
        preceded_by(sentence, s, _TO) for s, _ in recipient_spans)
    return flip > 0 and keep == 0


def has_stem(sentence: str, stems: tuple[str, ...]) -> bool:
    """A word starts with one of the stems; a stem written with a trailing space is a whole word."""
    padded = f" {lexicon.key(sentence)} "
    return any(f" {lexicon.key(stem)}{' ' if stem.endswith(' ') else ''}" in padded for stem in stems)


def attacked(sentence: str, recipient_spans: list[tuple[int, int]]) -> bool:
    """True when the "recipient" is named after "against"/"împotriva"/"против": the weapon was used on
    it, not given to it (a drone "sent" to the country it struck)."""
    return any(preceded_by(sentence, s, _AGAINST) for s, _ in recipient_spans)


def is_people(weapon_name: str) -> bool:
    """"North Korean soldiers", "Wagner personnel": a deployment, never a weapon."""
    folded = f" {lexicon.key(weapon_name)}".replace(" anti personnel", " anti-personnel")  # mines, not people
    return any(f" {lexicon.key(stem)}" in folded for stem in _NOT_WEAPONS)


def is_not_party(name: str) -> bool:
    """Media and airlines are never suppliers, recipients, senders or hosts."""
    return lexicon.key(name) in lexicon.not_parties()
