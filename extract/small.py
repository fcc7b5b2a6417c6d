"""The small-model strategy (`--strategy small`): what a 1.5B model can do, and nothing else.

- Actors are not enumerated by the model: extract/mentions.py finds them (gazetteers, persons by
  title), with offsets, so their evidence is grounded by construction.
- The answer's schema is built per document (pydantic.create_model): supplier, recipient, sender,
  host and participants are enums of that document's candidate names, the quoted sentence an enum
  of the sentence numbers shown. The grammar makes an invented or copied name impossible.
- Focused passes: only sentences with a trigger for the event type (and their neighbours) are sent,
  numbered; the three short questions share the prefix (system, names, sentences), so llama.cpp's KV
  cache reads it once. A document without triggers costs no model time.
- Weapons are canonicalised with the lexicon; roles that do not fit the fact are fixed or dropped
  (extract/roles.py); confidence comes from record features, calibrated per provider and model
  (extract/calibrate.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from extract import calibrate, person_forms, roles, windows
from extract.llm import ExtractionFailed, ReaskPolicy, reask_defaults, structured
from extract.load import Document
from extract.mentions import Candidate, find_actors, find_demonyms, find_persons
from extract.providers.base import Provider, ProviderError, Usage
from extract.small_prompt import SYSTEM, TASKS, VERSION, user_message
from schemas import kinds
from schemas.fields import Category, Certainty, MeetingFormat, Status
from schemas.records import Extraction

log = logging.getLogger("sitrep.small")
MAX_EXCERPT = 3000  # characters of numbered sentences per request (about 800 tokens)
MAX_QUOTE = 300
MAX_ANSWER_TOKENS = 700  # about ten records; the grammar cannot stop a model that keeps listing
# Ingredients that can be switched off for the ablation table (SITREP_SMALL_ABLATE=a,b); part of the
# run's identity through variant().
ABLATIONS = ("windows", "lexicon", "roles", "persons", "caps", "deployment_finder")
# Records per answer. A window batch rarely states more than three meetings or deployments, and the
# 1.5B model, once past them, repeats itself until the token limit (the loop guard fired 14 times in
# 25 dev articles, nearly all in these two lists). Transfers keep a long cap: lists of systems are real.
CAPS = {"transfers": 12, "meetings": 3, "deployments": 3}
SHORT_TEXT = 60  # characters for free-text fields (forces, place): a description, not a paragraph


def asked() -> tuple[str, ...]:
    """The event types the model is asked about. Deployments are read by rule
    (extract/deployment_finder.py): on 45 articles the rules alone scored F1 0.93 / 0.50 / 0.73 / 0.50
    per split against 0.80 / 0.00 / 0.22 / 0.00 for the model's answers, which named weapons as forces
    and the first two states as the parties; not asking also saves about a third of the calls."""
    return tuple(k for k in windows.TYPES if k != "deployments" or "deployment_finder" in ablated())


def ablated() -> frozenset[str]:
    names = {n.strip() for n in os.environ.get("SITREP_SMALL_ABLATE", "").split(",") if n.strip()}
    unknown = names - set(ABLATIONS)
    if unknown:
        raise ValueError(f"SITREP_SMALL_ABLATE: unknown ingredient(s) {', '.join(sorted(unknown))}")
    return frozenset(names)


def calibration_on() -> bool:
    return os.environ.get("SITREP_CALIBRATION", "on") != "off"


def variant() -> str:
    off = sorted(ablated())
    cal = f"cal={calibrate.version()}" if calibration_on() else "cal=off"
    return f"small={VERSION}" + (f",no-{'+'.join(off)}" if off else "") + f",{cal}"


@dataclass
class Names:
    """The document's candidate actors, split by the roles they may fill."""

    all: list[Candidate]
    parties: list[Candidate]  # supplier, recipient
    forces: list[Candidate]  # sender, host
    people: list[Candidate]  # meeting participants

    def get(self, name: str) -> Candidate | None:
        return next((c for c in self.all if c.name == name), None)


def candidates(text: str, lang: str | None) -> Names:
    found = find_actors(text, lang)
    known = {c.name for c in found}
    found += [c for c in find_demonyms(text) if c.name not in known]
    people = find_persons(text, True, lang) if "persons" not in ablated() else []
    taken = [(m.start, m.end) for c in found if c.kind == "person" for m in c.mentions]
    people = [p for p in people if not all(any(a <= m.start < b for a, b in taken) for m in p.mentions)]
    people = person_forms.merged([*[c for c in found if c.kind == "person"], *people])  # declined Cyrillic names
    every = sorted([*[c for c in found if c.kind != "person"], *people], key=lambda c: c.first)
    parties = [c for c in every if c.kind in roles.PARTY_KINDS and not roles.is_not_party(c.name)]
    forces = [c for c in parties if c.kind in roles.FORCE_KINDS]
    speakers = people if len(people) >= 2 else [*people, *[c for c in parties if c.kind != "company"]]
    return Names(every, parties, forces, speakers)


def _enum(values: list[str]) -> Any:
    return Literal[tuple(dict.fromkeys(values))]  # type: ignore[valid-type]


def response_model(kind: str, sentence_ids: list[int], names: Names) -> type[BaseModel] | None:
    """The answer schema for one event type of one document; None when the type cannot occur
    (fewer than two names that could fill its roles)."""
    sentence = _enum(sentence_ids)
    if kind == "transfers":
        if len(names.parties) < 2:
            return None
        party = _enum([c.name for c in names.parties])
        item = create_model("TransferItem", sentence=(sentence, ...), supplier=(party, ...), recipient=(party, ...),
                            weapon=(str, ...), category=(Category, ...),
                            quantity=(int | None, None), status=(Status, ...), certainty=(Certainty, ...))
    elif kind == "meetings":
        if len(names.people) < 2:
            return None
        person = _enum([c.name for c in names.people])
        item = create_model("MeetingItem", sentence=(sentence, ...),
                            participants=(list[person], Field(min_length=2, max_length=6)),  # type: ignore[valid-type]
                            format=(MeetingFormat, ...), place=(_short() | None, None), certainty=(Certainty, ...))
    else:
        if len(names.forces) < 2:
            return None
        force = _enum([c.name for c in names.forces])
        item = create_model("DeploymentItem", sentence=(sentence, ...), sender=(force, ...), host=(force, ...),
                            forces=(_short(), ...), size=(int | None, None),
                            certainty=(Certainty, ...))
    cap = 12 if "caps" in ablated() else CAPS[kind]
    return create_model(f"{kind.title()}Answer", **{kind: (list[item], Field(default_factory=list, max_length=cap))})


def _short() -> Any:
    """A free-text field the grammar ends after SHORT_TEXT characters (unbounded with caps ablated)."""
    return str if "caps" in ablated() else Annotated[str, Field(max_length=SHORT_TEXT)]


def extract_chunk(provider: Provider, doc: Document, text: str, options: Any, notes: list[str],
                  usage: Usage) -> Extraction:
    """Candidates, windows, one short constrained question per event type and window batch, then
    the records built from the answers."""
    names = candidates(text, doc.language)
    sents = windows.sentences(text)
    wanted = {k: windows.windows(sents, k) if "windows" not in ablated() else [s.index for s in sents]
              for k in asked()}
    shown = sorted(set().union(*wanted.values()))
    answers: dict[str, list[Any]] = {k: [] for k in windows.TYPES}
    for batch in windows.batches(shown, sents, MAX_EXCERPT):
        prefix = user_message(doc, names, [sents[i] for i in batch])
        for kind in asked():
            ids = [i for i in batch if i in set(wanted[kind])]
            model = response_model(kind, ids, names) if ids else None
            if model is None:
                continue
            msgs = [{"role": "system", "content": SYSTEM},
                    {"role": "user", "content": f"{prefix}\n\n{TASKS[kind]}"}]
            answer = _call(provider, msgs, model, options, notes, usage)
            answers[kind] += getattr(answer, kind, []) if answer is not None else []
    from extract.small_records import build  # the record rules live apart from the model calls

    extraction = build(answers, names, sents, text, notes, lexicon_on="lexicon" not in ablated(),
                       roles_on="roles" not in ablated(), published=doc.published,
                       deployment_rules="deployment_finder" not in ablated())
    return extraction  # raw feature scores: calibrated() maps them once the document is merged


def calibrated(extraction: Extraction, provider: Provider) -> tuple[Extraction, dict[str, list[float]] | None]:
    """Raw feature scores → probabilities fitted on the dev split for this provider and model, and
    the raw scores per kind (stored beside them, migration 007); unchanged with calibration off."""
    if not calibration_on():
        return extraction, None
    update, raw = {}, {}
    for kind in kinds.names():
        records = getattr(extraction, kind)
        raw[kind] = [r.confidence for r in records]
        update[kind] = [r.model_copy(update={"confidence": calibrate.calibrated(
            provider.name, provider.model, kind, r.confidence)}) for r in records]
    return Extraction.model_construct(**update), raw


def _call(provider: Provider, msgs: list[dict[str, str]], model: type[BaseModel], options: Any, notes: list[str],
          usage: Usage) -> BaseModel | None:
    """One constrained answer; a failed one costs its event type for this batch, not the document.
    With SITREP_SMALL_CACHE set, answers are kept by request hash (offline ablations of the rules)."""
    cache = _cache_path(provider, msgs, model)
    if cache is not None and cache.exists():
        return model.model_validate_json(cache.read_text(encoding="utf-8"))
    if cache is not None and os.environ.get("SITREP_SMALL_CACHE_ONLY"):
        raise ProviderError(f"SITREP_SMALL_CACHE_ONLY: no cached answer {cache.name} (offline rules run)")
    policy = ReaskPolicy(options.max_retries or 0, options.temperature, reask_defaults(provider.name).reask_temperature)
    limit = getattr(provider, "max_output_tokens", None)
    try:
        if limit:  # a short question has a short answer; a runaway one is cut and salvaged
            provider.max_output_tokens = min(limit, MAX_ANSWER_TOKENS)
        answer = structured(provider, msgs, model, {}, policy)
    except ExtractionFailed as exc:
        usage.add(exc.usage)
        notes.append(f"{model.__name__}: {str(exc)[:200]}")
        return None
    except ProviderError as exc:
        usage.add(getattr(exc, "usage", None) or Usage())
        raise
    finally:
        if limit:
            provider.max_output_tokens = limit
    usage.add(answer.usage)
    notes += answer.notes
    if answer.cut_in:
        notes.append(f"loop guard: the answer repeated itself in {answer.cut_in}; kept the records before the loop")
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(answer.result.model_dump_json(), encoding="utf-8")
        cache.with_suffix(".raw").write_text(answer.raw, encoding="utf-8")
    return answer.result


def _cache_path(provider: Provider, msgs: list[dict[str, str]], model: type[BaseModel]) -> Path | None:
    folder = os.environ.get("SITREP_SMALL_CACHE")
    if not folder:
        return None
    payload = json.dumps([provider.name, provider.model, msgs, model.model_json_schema()], sort_keys=True)
    return Path(folder) / f"{hashlib.sha256(payload.encode()).hexdigest()[:24]}.json"


def quote(text: str, sentence: windows.Sentence) -> str:
    """The sentence as evidence (a substring of the text by construction), cut at MAX_QUOTE."""
    return text[sentence.start:sentence.end][:MAX_QUOTE].strip()

