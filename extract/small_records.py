"""Records of the small-model strategy, built from its constrained answers without a model.

Evidence is the sentence the model pointed at (a substring of the text), actor evidence the sentence
of the first mention: grounded by construction. Weapon names and categories come from the lexicon
when it knows the name; roles that do not fit the fact are fixed or dropped (extract/roles.py).
The confidence is a raw score from the record's features; extract/calibrate.py maps it to a
probability when the record is stored.
"""

from __future__ import annotations

from typing import Any

from extract import (
    calibrate,
    dates,
    deployment_finder,
    lexicon,
    meeting_finder,
    origin,
    roles,
    transfer_finder,
    windows,
)
from extract.mentions import Candidate, byline_only, find_demonyms, not_a_person
from extract.weapon_lists import siblings
from schemas.fields import Location, Range, When
from schemas.records import MAX_ALIASES, Actor, Deployment, Extraction, Meeting, Transfer, Weapon, name_key


def _quote(text: str, sentence: windows.Sentence) -> str:
    return text[sentence.start:sentence.end][:300].strip()


def _spans_in(cand: Candidate | None, sentence: windows.Sentence) -> list[tuple[int, int]]:
    """Mentions of a candidate inside a sentence, relative to the sentence start."""
    if cand is None:
        return []
    return [(m.start - sentence.start, m.end - sentence.start) for m in cand.mentions
            if sentence.start <= m.start < sentence.end]


def _near(cand: Candidate | None, sents: list[windows.Sentence], index: int) -> bool:
    """Mentioned in the sentence or a neighbour."""
    if cand is None:
        return False
    lo, hi = sents[max(0, index - 1)].start, sents[min(len(sents) - 1, index + 1)].end
    return any(lo <= m.start < hi for m in cand.mentions)


def _transfers(items: list[Any], names: Any, sents: list, text: str, notes: list[str], lexicon_on: bool,
               roles_on: bool) -> list[Transfer]:
    out: dict[tuple, Transfer] = {}
    for item in items:
        sentence = _weapon_sentence(item.weapon, sents, item.sentence) if roles_on else sents[item.sentence]
        entry = lexicon.weapon(item.weapon) if lexicon_on else None
        supplier, recipient = item.supplier, item.recipient
        if roles_on:
            supplier, recipient = _repair_parties(supplier, recipient, names, sents, sentence, item.sentence, entry)
        if roles_on:
            supplier, recipient = _home_state(supplier, names), _home_state(recipient, names)
        if supplier == recipient:
            continue
        weapon_name, category = item.weapon.strip(), item.category
        if roles_on and (roles.is_people(weapon_name) or names.get(weapon_name) is not None):
            notes.append(f"dropped transfer of {weapon_name!r}: people or a party, not a weapon")
            continue
        if roles_on and lexicon_on and not _written(weapon_name, text):
            notes.append(f"dropped transfer of {weapon_name!r}: the text never names it")
            continue
        if roles_on and roles.own_equipment(sentence.text, _context(sents, sentence.index)):
            notes.append(f"dropped transfer of {weapon_name!r}: deployed with its forces, not handed over")
            continue
        if roles_on and roles.attacked(sentence.text, _spans_in(names.get(recipient), sentence)):
            notes.append(f"dropped transfer of {weapon_name!r} to {recipient}: used against it, not given to it")
            continue
        if roles_on and roles.direction(sentence.text, _spans_in(names.get(supplier), sentence),
                                        _spans_in(names.get(recipient), sentence)):
            supplier, recipient = recipient, supplier
        if roles_on and lexicon_on:
            supplier, recipient = origin.turned(supplier, recipient, entry, names)
        if entry is not None:
            weapon_name, category = entry.name, entry.category
        elif lexicon_on:
            category = lexicon.category_hint(weapon_name) or category
        try:
            weapon = Weapon(name=weapon_name, category=category)
        except ValueError:
            continue
        features = {"lexicon": entry is not None, "supplier_near": _near(names.get(supplier), sents, sentence.index),
                    "recipient_near": _near(names.get(recipient), sents, sentence.index),
                    "weapon_in_sentence": lexicon.key(item.weapon) in lexicon.key(sentence.text)}
        _add(out, Transfer(
            evidence=[_quote(text, sentence)], supplier=supplier, recipient=recipient, weapon=weapon,
            quantity=Range(min=item.quantity, max=item.quantity) if item.quantity and item.quantity > 0 else None,
            status=item.status, certainty=item.certainty, confidence=calibrate.raw_score("transfers", features)))
        if roles_on and lexicon_on:
            for other, where in siblings(sents, {sentence.index, item.sentence}, text):
                features = {**features, "lexicon": True, "weapon_in_sentence": False}
                _add(out, Transfer(evidence=[_quote(text, where)], supplier=supplier, recipient=recipient,
                                   weapon=other, status=item.status, certainty=item.certainty,
                                   confidence=calibrate.raw_score("transfers", features)))
    if roles_on and lexicon_on:
        _found(out, names, sents, text)
    return list(out.values())


def _found(out: dict[tuple, Transfer], names: Any, sents: list, text: str) -> None:
    """Transfers the model did not list, in sentences whose parties are plain (extract/transfer_finder.py);
    status and certainty are those of the model's record for the same parties, when there is one."""
    seeds = list(out.values())
    for supplier, recipient, weapon, sentence in transfer_finder.find(seeds, names, sents):
        supplier, recipient = _home_state(supplier, names), _home_state(recipient, names)
        if supplier == recipient:
            continue
        like = next((t for t in seeds if (t.supplier, t.recipient) == (supplier, recipient)), None)
        features = {"lexicon": True, "weapon_in_sentence": True, "inferred": True,
                    "supplier_near": _near(names.get(supplier), sents, sentence.index),
                    "recipient_near": _near(names.get(recipient), sents, sentence.index)}
        _add(out, Transfer(evidence=[_quote(text, sentence)], supplier=supplier, recipient=recipient, weapon=weapon,
                           status=like.status if like else "unknown",
                           certainty=like.certainty if like else "confirmed",
                           confidence=calibrate.raw_score("transfers", features)))


def _add(out: dict[tuple, Transfer], record: Transfer) -> None:
    """Keep the first record per parties and weapon ("self-propelled guns" and "170 mm self-propelled
    guns" are one weapon)."""
    key = (record.supplier, record.recipient, lexicon.key(record.weapon.name))
    if key in out or any(k[:2] == key[:2] and _same_weapon(k[2], key[2]) for k in out):
        return
    out[key] = record


def _written(weapon: str, text: str) -> bool:
    """The text names the weapon: as the model wrote it, by a lexicon name or alias of it, or by one
    of its words (a translated "artillery shells" for "obuze" is written through the lexicon). A
    system the text never names ("Su-35" in an article about a Su-57) was made up."""
    entry = lexicon.weapon(weapon)
    if entry is not None:
        return any(e.id == entry.id for e in lexicon.weapons_in(text)) or entry.name == entry.name.lower()
    folded = f" {lexicon.key(text)} "
    return any(f" {w}" in folded for w in lexicon.key(weapon).split() if len(w) >= 4 or any(c.isdigit() for c in w))


def _context(sents: list, index: int) -> str:
    """The sentences either side of one."""
    return " ".join(s.text for s in sents[max(0, index - 1):index + 2] if s.index != index)


def _weapon_sentence(weapon: str, sents: list, cited: int) -> windows.Sentence:
    """The sentence that names the weapon: the cited one if it does, else the first that does (the
    1.5B model often cites a neighbour)."""
    k = lexicon.key(weapon)
    if not k or k in lexicon.key(sents[cited].text):
        return sents[cited]
    return next((s for s in sents if k in lexicon.key(s.text)), sents[cited])


def _mentioned(cand: Candidate, sentence: windows.Sentence) -> int | None:
    """Offset of the candidate's first mention in the sentence, or None."""
    return min((m.start for m in cand.mentions if sentence.start <= m.start < sentence.end), default=None)


def _repair_parties(supplier: str, recipient: str, names: Any, sents: list, sentence: windows.Sentence,
                    cited: int, entry: lexicon.WeaponEntry | None = None) -> tuple[str, str]:
    """A role filled with a party named nowhere near the fact (the cited sentence, the weapon's
    sentence and their neighbours) is refilled from the parties the weapon's sentence does name
    (the model tends to pick the first name of the list): the one named first for the supplier,
    the other for the recipient; the direction rule runs afterwards. A party named in a neighbour
    is kept: "Tras la reunión, Sánchez anunció …" names no state, yet Spain is the supplier; so is a
    supplier that builds the weapon (the lexicon's origin): France for the FDI frigates of a French
    communiqué that names only the buyer."""
    present = sorted((pos, c.name) for c in names.parties if (pos := _mentioned(c, sentence)) is not None
                     and not roles.preceded_by(sentence.text, pos - sentence.start, roles.LOCATIVE))
    named = [n for _, n in present]

    def near(name: str) -> bool:
        cand = names.get(name)
        speakers = [c for c in names.all if c.kind == "person" and cand is not None and c.country == cand.country
                    and c.country]  # "Lloyd Austin said …" speaks for the United States
        return any(_near(c, sents, i) for c in [cand, *speakers] for i in (cited, sentence.index))

    maker = entry is not None and entry.origin is not None and origin.country(names, supplier) == entry.origin
    if supplier not in named and not near(supplier) and not maker:
        supplier = next((n for n in named if n != recipient), supplier)
    if recipient not in named and not near(recipient):
        recipient = next((n for n in named if n != supplier), recipient)
    return supplier, recipient


def _home_state(party: str, names: Any) -> str:
    """A defence company's sale is its state's export ("Dassault → Serbia" is France → Serbia, as
    arms-transfer registers count it), a ministry's or council's gift its state's, when the text
    names that state too; otherwise the company or body."""
    cand = names.get(party)
    if cand is None or cand.kind not in ("company", "government_body") or not cand.country:
        return party
    home = lexicon.state(cand.country)
    return home.name if home is not None and names.get(home.name) is not None else party


def _same_weapon(a: str, b: str) -> bool:
    """"self propelled guns" and "170 millimetre self propelled guns" are one weapon."""
    return a in b or b in a


def _meetings(items: list[Any], names: Any, sents: list, text: str, roles_on: bool,
              published: str | None = None) -> list[Meeting]:
    """The model's meetings and the finder's, one per set of participants; when the sentences of one
    set name two or more months, a record per month joins it (two summits of the same leaders a year
    apart are two meetings; the undated record still stands for the one whose month went unsaid)."""
    out: dict[tuple, Meeting] = {}
    months: dict[frozenset, dict[str, windows.Sentence]] = {}

    def note(people: list[str], sentence: windows.Sentence) -> None:
        found = dates.month(sentence.text, published) if roles_on else None
        if roles_on and found is None and meeting_finder.subjectless(sentence.text):
            before = [dates.month(s.text, published) for s in sents[max(0, sentence.index - 2):sentence.index]]
            found = next((m for m in reversed(before) if m), None)  # "În septembrie 2023, Kim … S-a întâlnit"
        if found:
            months.setdefault(frozenset(people), {}).setdefault(found, sentence)

    for item in items:
        people = list(dict.fromkeys(item.participants))
        if roles_on and len(people) > 2:  # a pair the model names is kept (titles, pronouns)
            people = meeting_finder.trimmed(people, names, sents, item.sentence)
        if len(people) < 2:
            continue
        sentence = sents[item.sentence]
        note(people, sentence)
        features = {"all_near": all(_near(names.get(p), sents, item.sentence) for p in people),
                    "persons": all((names.get(p) or Candidate(p, "other", None)).kind == "person" for p in people)}
        key = (frozenset(people), None)
        if key in out:
            continue
        out[key] = Meeting(evidence=[_quote(text, sentence)], participants=people,
                           location=Location(place=item.place or None), format=item.format,
                           certainty=item.certainty, confidence=calibrate.raw_score("meetings", features))
    if roles_on:  # sentences that say named persons met (extract/meeting_finder.py)
        for people, sentence in meeting_finder.find(names, sents):
            same = next((m for m in out.values() if meeting_finder.jaccard(people, m.participants) >= 0.5), None)
            note(same.participants if same else people, sentence)
            if same is not None:
                continue
            features = {"all_near": True, "persons": True, "inferred": True}
            out[(frozenset(people), None)] = Meeting(
                evidence=[_quote(text, sentence)], participants=people, certainty="confirmed",
                confidence=calibrate.raw_score("meetings", features))
    for (people, _), record in list(out.items()):
        dated = months.get(people, {})
        for month, sentence in dated.items() if len(dated) > 1 else ():
            out[(people, month)] = record.model_copy(update={"when": When(start=month, end=month),
                                                             "evidence": [_quote(text, sentence)]})
    return list(out.values())


def _demonym_state(forces: str) -> str | None:
    """"North Korean soldiers" were sent by North Korea, whatever the model chose as sender."""
    words = lexicon.key(forces).split()
    table = lexicon.demonyms()
    for n in (2, 1):
        for i in range(len(words) - n + 1):
            entry = table.get(" ".join(words[i:i + n]))
            if entry is not None:
                return entry.name
    return None


def _with_adjectives(names: Any, name: str, adjectives: dict[str, Candidate]) -> Candidate | None:
    """A party with its mentions as an adjective too ("ukrainische Soldaten" mentions Ukraine)."""
    cand, adj = names.get(name), adjectives.get(name)
    if cand is None or adj is None:
        return cand or adj
    return Candidate(cand.name, cand.kind, cand.country, [*cand.mentions, *adj.mentions])


def _deployments(items: list[Any], names: Any, sents: list, text: str, roles_on: bool = True,
                 rules: bool = True) -> list[Deployment]:
    out: dict[tuple, Deployment] = {}
    adjectives = {c.name: c for c in find_demonyms(text)}
    for item in items:
        if roles_on and not roles.is_people(item.forces):
            continue  # "canons Caesar" are not forces: deployments are people
        sender = _demonym_state(item.forces) or item.sender if roles_on else item.sender
        item = item.model_copy(update={"sender": sender})
        if item.sender == item.host or (item.sender, item.host) in out:
            continue
        sentence = sents[item.sentence]
        features = {"sender_near": _near(names.get(item.sender), sents, item.sentence),
                    "host_near": _near(names.get(item.host), sents, item.sentence)}
        if roles_on and not all(_near(c, sents, item.sentence) for c in (
                _with_adjectives(names, item.sender, adjectives), _with_adjectives(names, item.host, adjectives))):
            continue  # the cited sentence and its neighbours do not name both parties: not this fact
        out[(item.sender, item.host)] = Deployment(
            evidence=[_quote(text, sentence)], sender=item.sender, host=item.host,
            forces=item.forces.strip() or "forces",
            size=Range(min=item.size, max=item.size) if item.size and item.size > 0 else None,
            certainty=item.certainty, confidence=calibrate.raw_score("deployments", features))
    if roles_on and rules:
        _found_deployments(out, names, sents, text)
    return list(out.values())


def _found_deployments(out: dict[tuple, Deployment], names: Any, sents: list, text: str) -> None:
    """Deployments read from sentences whose forces and host are plain (extract/deployment_finder.py):
    by default the only ones, since the model is not asked; with the model asked, those it missed."""
    for sender, host, sentence in deployment_finder.find(names, sents):
        if (sender, host) in out:
            continue
        amount = deployment_finder.size(sentence.text)
        features = {"sender_near": True, "host_near": True, "inferred": True}
        out[(sender, host)] = Deployment(
            evidence=[_quote(text, sentence)], sender=sender, host=host, forces=deployment_finder.forces(sentence.text),
            size=Range(min=amount, max=amount) if amount else None,
            certainty=deployment_finder.certainty(sents, sentence.index),
            confidence=calibrate.raw_score("deployments", features))


def _actor(cand: Candidate, sents: list, text: str, used: bool) -> Actor:
    first = min(cand.mentions, key=lambda m: m.start)
    sentence = next((s for s in sents if s.start <= first.start < s.end), None)
    quote = _quote(text, sentence) if sentence else first.surface
    if first.surface not in quote:
        quote = first.surface
    return Actor(evidence=[quote], name=cand.name, kind=cand.kind, country=cand.country,
                 aliases=cand.aliases[:MAX_ALIASES], role=cand.role,
                 confidence=calibrate.raw_score("actors", {"used": used, "mentions": len(cand.mentions) > 1,
                                                           "person": cand.kind == "person"}))


def build(answers: dict[str, list[Any]], names: Any, sents: list, text: str, notes: list[str], lexicon_on: bool,
          roles_on: bool, published: str | None = None, deployment_rules: bool = True) -> Extraction:
    bad: list[windows.Sentence] = []
    if roles_on:  # a line addressed to machines states no fact (extract/windows.py injected)
        skip = windows.injected(sents, text)
        bad = [s for s in sents if s.index in skip]
        answers = {k: [a for a in v if a.sentence not in skip] for k, v in answers.items()}
        sents = [s if s.index not in skip else windows.Sentence(s.index, s.start, s.start, "") for s in sents]
    transfers = _transfers(answers["transfers"], names, sents, text, notes, lexicon_on, roles_on)
    meetings = _meetings(answers["meetings"], names, sents, text, roles_on, published)
    deployments = _deployments(answers["deployments"], names, sents, text, roles_on, deployment_rules)
    used = {n for t in transfers for n in (t.supplier, t.recipient)} | {
        n for m in meetings for n in m.participants} | {n for d in deployments for n in (d.sender, d.host)}
    direct = {c.name for c in names.all
              if any(not _demonym_only(c, m) and not any(b.start <= m.start < b.end for b in bad) for m in c.mentions)}
    near = {i for kind in windows.TYPES for i in windows.windows(sents, kind, neighbours=0)}
    direct = {n for n in direct if n in used or _in_scope(names.get(n), sents, near)}
    actors = [_actor(c, sents, text, c.name in used) for c in names.all if (c.name in used or c.name in direct)
              and not (roles_on and c.kind == "person" and (not_a_person(c.name) or byline_only(c, text)))]
    seen: set[str] = set()
    unique = [a for a in actors if not (name_key(a.name) in seen or seen.add(name_key(a.name)))]
    return Extraction.model_construct(actors=unique, transfers=transfers, meetings=meetings, deployments=deployments)


def _in_scope(cand: Candidate, sents: list, near: set[int]) -> bool:
    """An actor no record uses is listed when it is named more than once or in a sentence with an
    event trigger (`near`); a state named once in passing ("as Sweden and Israel did") takes part in
    nothing."""
    if cand.kind == "person" or len({m.start for m in cand.mentions}) > 1:
        return True
    return any(s.index in near for s in sents for m in cand.mentions if s.start <= m.start < s.end)


def _demonym_only(cand: Candidate, mention: Any) -> bool:
    """A mention that is only an adjective of nationality ("american"): not enough to list the actor."""
    return lexicon.key(mention.surface) in lexicon.demonyms() and lexicon.actor(mention.surface) is None
