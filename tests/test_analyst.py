"""The analyst layer end to end: two reports of one delivery and an unrelated article, through the
replay provider, become two consolidated facts; entities, views, exports and pipe output."""

import json
import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from extract import analyst
from extract.cli import app
from extract.store import Store
from tests.conftest import ROOT
from tests.conftest import query_rows as rows

ARTICLES = ROOT / "tests" / "data" / "analyst"
FIXTURES = ROOT / "tests" / "fixtures" / "analyst"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def corpus(db: Path) -> Path:
    result = run("extract", ARTICLES, "--provider", "replay", "--fixtures", FIXTURES, "--db", db, "-q")
    assert result.exit_code == 0, result.output
    return db


def test_same_delivery_from_two_sources_is_one_fact(corpus):
    facts = rows(corpus, "SELECT supplier, recipient, weapon, n_sources, n_reports, first_seen, last_seen, "
                         "quantity_min, quantity_max, status, certainty_by_source, disputed FROM facts_transfers "
                         "ORDER BY n_sources DESC")
    assert facts == [
        ("North Korea", "Russia", "Hwasong-11A", 2, 3, "2024-11-14", "2024-11-20", 24, 50, "delivered",
         "2 reported, 1 denied", True),
        ("France", "Armenia", "CAESAR", 1, 1, "2024-03-03", "2024-03-03", 6, 6, "delivered", "1 confirmed", False),
    ]
    [(doc_ids, quote)] = rows(corpus, "SELECT doc_ids, best_quote FROM facts_transfers WHERE n_sources = 2")
    titles = {t for (t,) in rows(corpus, f"SELECT title FROM documents WHERE doc_id IN {tuple(doc_ids)}")}
    assert titles == {"North Korea ships ballistic missiles to Russia, Seoul says",
                      "Kyiv says Pyongyang's Hwasong-11 missiles are striking Ukraine"}
    assert quote.startswith("North Korea has delivered about 50 KN-23")


def test_entities_and_evidence_views(corpus):
    [(name, forms, rules, docs)] = rows(corpus, "SELECT name, surface_forms, rules, n_documents FROM entities "
                                                "WHERE kind = 'person' AND name LIKE '%Zelensk%'")
    assert (sorted(forms), docs) == (["Volodymyr Zelenskyy", "Zelensky"], 2)
    assert name in {"Volodymyr Zelensky", "Volodymyr Zelenskyy"}  # the gazetteer's spelling where it knows him
    assert "person-translit" in rules and set(rules) <= {"person-translit", "person-surname", "gazetteer"}
    unlinked = rows(corpus, "SELECT count(*) FROM latest_actors a ANTI JOIN entity_links l "
                            "ON l.run_id = a.run_id AND l.record_type = 'actors' AND l.record_idx = a.idx")
    assert unlinked == [(0,)]
    evidence = rows(corpus, "SELECT supplier, recipient, weapon, weapon_as_written, certainty, quote, source, "
                            "published, fact_id IS NOT NULL FROM transfers_evidence ORDER BY published, certainty")
    assert [e[:5] for e in evidence] == [("France", "Armenia", "CAESAR", "Caesar", "confirmed"),
                                         ("North Korea", "Russia", "Hwasong-11A", "KN-23", "reported"),
                                         ("North Korea", "Russia", "Hwasong-11A", "Hwasong-11", "denied"),
                                         ("North Korea", "Russia", "Hwasong-11A", "Hwasong-11", "reported")]
    assert all(e[5] and e[6].endswith(".txt") and e[7] and e[8] for e in evidence)
    assert rows(corpus, "SELECT count(*) FROM meetings_evidence") == [(0,)]


def test_rebuild_is_idempotent_and_follows_new_runs(corpus, tmp_path):
    before = rows(corpus, "SELECT * FROM facts_transfers ORDER BY fact_id")
    assert run("link", "--db", corpus).exit_code == 0
    assert rows(corpus, "SELECT * FROM facts_transfers ORDER BY fact_id") == before
    with Store(corpus) as store:
        assert analyst.refresh(store).rebuilt is False  # nothing new: one query
        store.con.execute("UPDATE runs SET status = 'failed' WHERE doc_id = (SELECT doc_id FROM documents "
                          "WHERE source LIKE '%kyiv-hwasong.txt')")
        assert analyst.refresh(store).rebuilt is True
    assert rows(corpus, "SELECT max(n_sources), count(*) FROM facts_transfers") == [(1, 2)]
    assert rows(corpus, "SELECT count(*) FROM entities WHERE name = 'Dmitry Peskov'") == [(0,)]


def test_export_formats_read_back(corpus, tmp_path):
    for fmt in ("parquet", "csv", "jsonl"):
        out = tmp_path / fmt
        result = run("export", "--format", fmt, "--out", out, "--db", corpus)
        assert result.exit_code == 0, result.output
        names = {p.stem for p in out.iterdir()}
        assert {"facts_transfers", "transfers_evidence", "entities", "entity_links", "documents"} <= names
        reader = {"parquet": "read_parquet", "csv": "read_csv_auto", "jsonl": "read_json_auto"}[fmt]
        back = duckdb.sql(f"SELECT max(n_sources), count(*) FROM {reader}('{out}/facts_transfers.{fmt}')").fetchall()
        assert back == [(2, 2)], fmt
    assert run("export", "--format", "xml", "--out", tmp_path / "x", "--db", corpus).exit_code == 2


def test_pipe_friendly_output(db):
    result = run("extract", ARTICLES, "--provider", "replay", "--fixtures", FIXTURES, "--db", db, "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3 and {line["status"] for line in lines} == {"ok"}
    kyiv = next(line for line in lines if line["source"].endswith("kyiv-hwasong.txt"))
    assert kyiv["counts"]["transfers"] == 2 and kyiv["transfers"][1]["certainty"] == "denied"
    assert "database:" in result.stderr and "database:" not in result.stdout
    again = run("extract", ARTICLES, "--provider", "replay", "--fixtures", FIXTURES, "--db", db, "--json")
    skipped = [json.loads(line) for line in again.stdout.splitlines()]
    assert {s["status"] for s in skipped} == {"skipped"} and skipped[0]["actors"]  # records read back from the store
    out = run("sql", "SELECT weapon, n_sources FROM facts_transfers ORDER BY 2 DESC", "--db", db, "--format", "jsonl")
    assert [json.loads(line) for line in out.stdout.splitlines()] == [
        {"weapon": "Hwasong-11A", "n_sources": 2}, {"weapon": "CAESAR", "n_sources": 1}]
    version = run("--version")
    assert version.exit_code == 0 and version.stdout.startswith("sitrep ")


def test_report_filters_and_document_views(corpus, tmp_path):
    out = tmp_path / "r" / "report.html"
    result = run("report", "--html", out, "--db", corpus, "--actor", "Phenian")
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Hwasong-11A" in html and "CAESAR" not in html
    docs = sorted((tmp_path / "r" / "report_docs").iterdir())
    assert len(docs) == 2 and all(f'href="report_docs/{d.name}"' in html for d in docs)
    since = run("report", "--html", out, "--db", corpus, "--since", "2024-06")
    assert since.exit_code == 0 and "CAESAR" not in out.read_text() and "Hwasong-11A" in out.read_text()
    assert run("report", "--html", out, "--db", corpus, "--since", "June").exit_code == 2
    assert run("report", "--html", out, "--db", tmp_path / "none.duckdb").exit_code == 2


def test_document_view_escapes_the_article(db, tmp_path):
    article = tmp_path / "x.txt"
    article.write_text("Ankara, 2 May 2024\n\nTurkey sells drones <script>alert(1)</script> to Poland\n\n"
                       "Turkey will deliver 24 Bayraktar TB2 drones to Poland, officials said.\n")
    fixtures = tmp_path / "fx"
    fixtures.mkdir()
    answer = {"actors": [{"evidence": ["Turkey will deliver 24 Bayraktar TB2 drones"], "name": "Turkey",
                          "kind": "state"},
                         {"evidence": ["drones to Poland, officials said"], "name": "Poland", "kind": "state"}],
              "transfers": [{"evidence": ["Turkey sells drones <script>alert(1)</script> to Poland",
                                          "Turkey will deliver 24 Bayraktar TB2 drones to Poland",
                                          "a quote the article does not contain"],
                             "supplier": "Turkey", "recipient": "Poland",
                             "weapon": {"name": "Bayraktar TB2", "category": "drone"}, "certainty": "reported"}]}
    # the second response answers the re-ask for the ungrounded quote
    fixture = {"match": ["Turkey sells drones"], "responses": [json.dumps(answer)] * 2}
    (fixtures / "x.json").write_text(json.dumps(fixture))
    assert run("extract", article, "--provider", "replay", "--fixtures", fixtures, "--db", db, "-q").exit_code == 0
    [(doc_id,)] = rows(db, "SELECT doc_id FROM documents")
    out = tmp_path / "doc.html"
    result = run("show", doc_id[:8], "--html", out, "--db", db)
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    marked = re.findall(r'<mark class="t-\w+" data-records="([^"]*)"[^>]*>([^<]*)</mark>', html)
    assert "".join(text for ids, text in marked if "transfers-0" in ids.split()) == (
        "Turkey sells drones &lt;script&gt;alert(1)&lt;/script&gt; to Poland"
        "Turkey will deliver 24 Bayraktar TB2 drones to Poland")
    assert "document.body.dataset.ready = \"1\"" in html  # the script is inlined verbatim, not escaped
    assert "a quote the article does not contain" in html.split('id="ungrounded"')[1]
    assert run("show", "ffff", "--html", out, "--db", db).exit_code == 2
    report = tmp_path / "report.html"
    assert run("report", "--html", report, "--db", db).exit_code == 0
    text = report.read_text()
    assert "alert(1)" in text and "<script>alert(1)" not in text  # the quote is there, escaped
