"""The kind registry (schemas/kinds.py): every kind end to end, a fifth kind without code changes,
and no module outside the registry writing the kinds out or switching on their names."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import ClassVar, get_args

import pytest
from pydantic import Field
from rich.console import Console

from evals import persist, task
from evals.match import match_document
from evals.run import run_eval
from evals.score import RULES, DocScore, attribute_hits, micro
from extract import chunking, evidence, facts, html_views, render, rows
from extract.providers.replay import ReplayProvider
from extract.store import Store
from schemas import kinds
from schemas.fields import Certainty, Quotes, Strict, When
from schemas.gold import GoldFile
from schemas.kinds import Kind
from schemas.records import Events, Extraction
from tests.conftest import ROOT, query_rows

ARTICLE = (
    "Germany has delivered the first IRIS-T SLM air defence system to Ukraine, the German defence ministry "
    "said on 12 October 2022.\n\n"
    "Chancellor Olaf Scholz met President Volodymyr Zelensky in Kyiv on 11 October 2022.\n\n"
    "North Korea has sent about 10,000 soldiers to Russia, South Korean intelligence said.\n"
)
ACTORS = [
    {"name": "Germany", "kind": "state", "country": "DEU", "evidence": ["Germany has delivered"]},
    {"name": "Ukraine", "kind": "state", "country": "UKR", "evidence": ["air defence system to Ukraine"]},
    {"name": "Olaf Scholz", "kind": "person", "country": "DEU", "role": "Chancellor",
     "evidence": ["Chancellor Olaf Scholz"]},
    {"name": "Volodymyr Zelensky", "kind": "person", "country": "UKR", "role": "President",
     "evidence": ["President Volodymyr Zelensky"]},
    {"name": "North Korea", "kind": "state", "country": "PRK", "evidence": ["North Korea has sent"]},
    {"name": "Russia", "kind": "state", "country": "RUS", "evidence": ["10,000 soldiers to Russia"]},
]
# One record of each event kind; a kind registered without an example here fails the coverage test.
EVENTS = {
    "transfers": {"evidence": ["Germany has delivered the first IRIS-T SLM air defence system to Ukraine"],
                  "supplier": "Germany", "recipient": "Ukraine",
                  "weapon": {"name": "IRIS-T SLM", "category": "air_defence"}, "status": "delivered",
                  "certainty": "confirmed", "when": {"start": "2022-10-12"}},
    "meetings": {"evidence": ["Chancellor Olaf Scholz met President Volodymyr Zelensky in Kyiv on 11 October 2022"],
                 "participants": ["Olaf Scholz", "Volodymyr Zelensky"], "location": {"place": "Kyiv"},
                 "when": {"start": "2022-10-11"}, "format": "bilateral", "certainty": "confirmed"},
    "deployments": {"evidence": ["North Korea has sent about 10,000 soldiers to Russia"],
                    "sender": "North Korea", "host": "Russia", "forces": "North Korean soldiers",
                    "size": {"min": 10000, "max": 10000, "text": "about 10,000"}, "certainty": "reported"},
}


def answer_with(name: str) -> dict:
    """The actors, plus one record of the kind `name` when it is an event kind."""
    return {"actors": ACTORS, **({name: [EVENTS[name]]} if name in EVENTS else {})}


def test_every_event_kind_has_an_end_to_end_example():
    assert {k.name for k in kinds.events()} == set(EVENTS)


@pytest.mark.parametrize("name", kinds.names())
def test_every_kind_end_to_end_replay_store_and_eval(name, tmp_path):
    """Replay answers one record of the kind; it is stored (table and evidence), read back and scored
    as a true positive against gold holding the same record, with its match key stored."""
    kind = kinds.get(name)
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    fixtures = tmp_path / "replay"
    fixtures.mkdir()
    (fixtures / "a.json").write_text(json.dumps({"match": ["Germany has delivered"],
                                                 "responses": [json.dumps(answer_with(name))]}))
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.gold.json").write_text(json.dumps({
        "format": "gold/1", "document": {"id": "a", "text_file": str(tmp_path / "article.txt"),
                                         "published": "2022-10-13"}, **answer_with(name)}))
    db = tmp_path / "k.duckdb"
    with Store(db) as store:
        run = run_eval(gold, store, provider=ReplayProvider(fixtures=fixtures))
    expected = len(ACTORS) if name == kinds.ACTORS.name else 1
    assert query_rows(db, f"SELECT count(*), bool_and(grounded) FROM {kind.table}") == [(expected, True)]
    assert query_rows(db, f"SELECT count(*) FROM evidence WHERE record_type = '{name}' AND grounded")[0][0] \
        >= expected
    strict = run.summary.strict[name]
    assert (strict.tp, strict.fp, strict.fn) == (expected, 0, 0)
    record = kind.model.model_validate(answer_with(name)[name][0])
    assert (name, kind.key_text(record)) in query_rows(db, "SELECT record_type, match_key FROM eval_matches")


def test_the_registry_lists_what_the_containers_hold():
    """The model side (Extraction, Events, GoldFile) and the registry name the same kinds, in order."""
    assert kinds.names() == tuple(Extraction.model_fields)
    assert set(kinds.names()) == set(Events.model_fields)
    assert kinds.names() == tuple(f for f in GoldFile.model_fields if f not in {"format", "document"})
    assert all(get_args(Extraction.model_fields[k.name].annotation)[0] is k.model for k in kinds.kinds())


@pytest.mark.parametrize("name", kinds.names())
def test_a_kinds_entry_agrees_with_its_model_its_tables_and_the_eval(name, tmp_path):
    """What a kind declares exists: its columns are the table's (the migration's), its paths and
    roles are the model's, its scored rules are the eval's, a consolidated kind has its facts table."""
    kind = kinds.get(name)
    with Store(tmp_path / "m.duckdb") as store:
        def columns(table: str) -> set[str]:
            return {r[0] for r in store.query(f"DESCRIBE {table}")[1]}

        assert columns(kind.table) == {"run_id", "doc_id", "idx", "confidence", "raw_confidence", "grounded", "record",
                                       *kind.columns}
        assert columns(f"latest_{kind.table}") >= set(kind.columns)
        if kind.facts is not None:
            facts = columns(f"facts_{kind.table}")
            assert set(kind.facts) <= facts and {f"{r}_id" for r in kind.roles if not kind.many(r)} <= facts
            assert columns(f"{kind.table}_evidence") >= {*kind.roles, *kind.facts}
    fields = kind.model.model_fields
    assert {p.split(".")[0] for p in [*kind.columns.values(), *kind.scored]} <= set(fields)
    assert set(kind.roles) <= set(fields) and (kind.thing is None or kind.thing in fields)
    assert set(kind.shown) | set(kind.detail) <= {*kind.columns, "confidence", "grounded"}
    assert set(kind.scored.values()) <= set(RULES)


# --- a fifth kind ---------------------------------------------------------------------------------
class Sanction(Strict):
    ROLES: ClassVar[tuple[str, ...]] = ("imposer", "target")

    evidence: Quotes = Field(min_length=1)
    imposer: str
    target: str
    measure: str
    certainty: Certainty
    when: When = Field(default_factory=When)
    confidence: float = 0.5


class GoldSanction(Sanction):
    evidence: Quotes = Field(default_factory=list)
    optional: bool = False


class WithSanctions(Extraction):
    sanctions: list[Sanction] = Field(default_factory=list)


class GoldWithSanctions(GoldFile):
    sanctions: list[GoldSanction] = Field(default_factory=list)


SANCTIONS = Kind("sanctions", Sanction, "sanction",
                 columns={"imposer": "imposer", "target": "target", "measure": "measure",
                          "when_start": "when.start", "certainty": "certainty"},
                 shown=("imposer", "target", "measure", "certainty", "confidence", "grounded"),
                 detail=("imposer", "target", "measure", "when_start"),
                 scored={"certainty": "same", "when": "when"}, headline="measure", paint=4)
TABLE = ("CREATE TABLE sanctions (run_id VARCHAR, doc_id VARCHAR, idx INTEGER, imposer VARCHAR, target VARCHAR, "
         "measure VARCHAR, when_start VARCHAR, certainty VARCHAR, confidence DOUBLE, grounded BOOLEAN, "
         "record JSON)")
TEXT = "The European Union froze the assets of Russia's central bank on 28 February 2022."
QUOTE = "The European Union froze the assets of Russia's central bank"


def sanction(**update) -> Sanction:
    fields = {"evidence": [QUOTE], "imposer": "European Union", "target": "Russia", "measure": "asset freeze",
              "certainty": "confirmed", "when": {"start": "2022-02-28"}, **update}
    return Sanction.model_validate(fields)


def test_a_fifth_kind_is_picked_up_by_chunking_rows_store_render_and_eval(monkeypatch, tmp_path):
    """Registering a kind (and creating its table: the migration's job) is all the layers need."""
    monkeypatch.setitem(kinds.REGISTRY, "sanctions", SANCTIONS)
    first = WithSanctions.model_construct(actors=[], transfers=[], meetings=[], deployments=[],
                                          sanctions=[sanction(confidence=0.4)])
    second = WithSanctions.model_construct(actors=[], transfers=[], meetings=[], deployments=[],
                                           sanctions=[sanction(evidence=["froze the assets"], confidence=0.7)])
    merged = chunking.merge([first, second])
    assert [(s.evidence, s.confidence) for s in merged.sanctions] == [([QUOTE, "froze the assets"], 0.7)]

    grounding = evidence.Grounding(TEXT)
    grounding.ground(rows.all_quotes(merged))  # what the pipeline does as each chunk is read
    tables = rows.to_rows(merged, grounding)
    assert tables["sanctions"][0]["measure"] == "asset freeze" and tables["sanctions"][0]["grounded"]
    assert {e["record_type"] for e in tables["evidence"]} == {"sanctions"}

    with Store(tmp_path / "s.duckdb") as store:
        store.con.execute(TABLE)
        store._insert_many("sanctions", [{"run_id": "r1", "doc_id": "d1", **row} for row in tables["sanctions"]])
        console = Console(record=True, width=200)
        render.print_run_records(console, store, "r1")
        shown = console.export_text()
        assert "sanctions (1)" in shown and "asset freeze" in shown
        predicted = task.stored_predictions(store, "r1")
        records = html_views._records(store, "r1")
    assert records["sanctions-0"]["summary"] == "European Union → Russia: asset freeze"

    gold = GoldWithSanctions.model_validate({
        "format": "gold/1", "document": {"id": "d1", "text_file": "d1.txt"},
        "actors": [{"name": "European Union", "aliases": ["EU"], "kind": "international_org"},
                   {"name": "Russia", "kind": "state", "country": "RUS"}],
        "sanctions": [{**sanction().model_dump(mode="json"), "certainty": "reported"}]})
    results = match_document(predicted, gold)
    assert results["sanctions"].count("tp") == 1
    assert persist.match_key("sanctions", gold.sanctions[0]) == "European Union → Russia"
    assert attribute_hits(results)["sanctions.certainty"] == [False]
    assert micro([DocScore("d1", "ok", results, results)])["sanctions"]["tp"] == 1


def test_a_fifth_kind_with_consolidation_becomes_facts(monkeypatch):
    """Declaring `facts` is what the analyst layer needs (its migration adds facts_<kind> and the view)."""
    kind = replace(SANCTIONS, facts=("measure",))
    monkeypatch.setitem(kinds.REGISTRY, "sanctions", kind)

    def report(doc: str, measure: str) -> dict:
        return {"doc_id": doc, "run_id": f"r-{doc}", "record_idx": 0, "imposer_id": "org:eu",
                "imposer": "European Union", "target_id": "state:RUS", "target": "Russia", "measure": measure,
                "when_start": "2022-02-28", "when_end": None, "published": "2022-03-01", "certainty": "confirmed",
                "confidence": 0.8, "grounded": True, "quote": QUOTE}

    assert kind in kinds.consolidated()
    [(fact, group)] = facts.build(kind, [report("a", "asset freeze"), report("b", "asset freeze"),
                                         report("c", "travel ban")])
    assert fact["fact_id"].startswith("S-") and fact["n_sources"] == 3 and len(group) == 3
    assert (fact["imposer_id"], fact["target"], fact["measure"]) == ("org:eu", "Russia", "asset freeze")


# --- nothing else names the kinds ---------------------------------------------------------------
# Modules whose content is per kind by nature: the prompts (the done-when's "and the prompt"), the
# small strategy's per-kind questions and record rules, and the calibration weights fitted per kind.
PER_KIND_CONTENT = {"extract/prompt.py", "extract/small_prompt.py", "extract/small.py", "extract/small_records.py",
                    "extract/calibrate.py"}
REGISTRY = "schemas/kinds.py"


def _kind_problems(path: Path, names: set[str]) -> list[str]:
    events = names - {kinds.ACTORS.name}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        strings = [getattr(e, "value", None) for e in getattr(node, "elts", [])]
        if isinstance(node, ast.Dict):
            strings = [getattr(k, "value", None) for k in node.keys]
        if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict) and len(names & set(strings)) >= 2:
            found.append(f"line {node.lineno}: the kinds written out")
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Constant) and s.value in names for s in sides):
                found.append(f"line {node.lineno}: a switch on a kind's name")
        if isinstance(node, ast.Attribute) and node.attr in events or isinstance(node, ast.keyword) and \
                node.arg in events:
            found.append(f"line {node.lineno}: .{getattr(node, 'attr', None) or node.arg} names an event kind")
    return found


def test_no_module_outside_the_registry_names_the_kinds():
    names = set(kinds.names())
    problems = []
    for folder in ("extract", "schemas", "evals"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in PER_KIND_CONTENT | {REGISTRY}:
                problems += [f"{rel} {p}" for p in _kind_problems(path, names)]
    assert problems == []


def _template_problems(text: str, names: set[str]) -> list[str]:
    """A kind named as data in a template: a quoted name, a CSS class or variable (prose may name them)."""
    pattern = re.compile(r"""["'](%s)["']|(?:\.|\.t-|--)(%s)\b""" % (("|".join(names),) * 2))
    return [m.group(0) for m in pattern.finditer(text)]


def test_no_template_names_the_kinds():
    names = set(kinds.names())
    problems = {p.relative_to(ROOT).as_posix(): found for folder in ("extract/templates", "evals/templates")
                for p in sorted((ROOT / folder).iterdir()) if (found := _template_problems(p.read_text(), names))}
    assert problems == {}
    assert _template_problems('{% for t in ["transfers"] %}', names) == ['"transfers"']
    assert _template_problems(".t-meetings { } #panel .record.actors { }", names) == [".t-meetings", ".actors"]


def test_the_guard_finds_a_switch_a_written_out_list_and_an_event_attribute(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('if kind == "meetings":\n    pass\nTYPES = ("actors", "transfers")\nx = extraction.deployments\n')
    assert len(_kind_problems(bad, set(kinds.names()))) == 3
