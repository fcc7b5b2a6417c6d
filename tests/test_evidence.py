"""Grounding once (issue 10, item 4): quotes are grounded where the model read them, and the support
check, the store and the eval use the carried spans without searching again."""

import json
import sys

import pytest
from typer.testing import CliRunner

from evals.match import match_document
from evals.report_docs import document_view
from evals.score import DocScore
from evals.task import run_stats, stored_predictions
from extract import evidence
from extract.cli import app
from extract.ground import fold
from extract.load import document_from_text
from extract.pipeline import Options, extract_document
from extract.providers import make_provider
from extract.store import Store
from schemas.records import Extraction
from tests.conftest import EXAMPLE, FIXTURES, query_rows

SENTENCE = "Germany has delivered the IRIS-T SLM air defence system to Ukraine."
FILLER = "The ministry published a long statement on the state of the programme and its budget. " * 10
# Two paragraphs of about 900 characters each: at --chunk-chars 1000 each one is a chunk. Both contain SENTENCE.
ARTICLE = (f"Berlin, 12 October 2022\n\nALPHA report. {SENTENCE} {FILLER}\n\n"
           f"OMEGA report. {FILLER}{SENTENCE} Officials in Kyiv thanked Berlin.\n")
ACTORS = [{"name": "Germany", "kind": "state", "country": "DEU", "evidence": [SENTENCE], "confidence": 0.9},
          {"name": "Ukraine", "kind": "state", "country": "UKR", "evidence": [SENTENCE], "confidence": 0.9}]
TRANSFER = {"evidence": [SENTENCE], "supplier": "Germany", "recipient": "Ukraine",
            "weapon": {"name": "IRIS-T SLM", "category": "air_defence"}, "status": "delivered",
            "certainty": "confirmed", "confidence": 0.9}


def answer(**lists) -> str:
    return json.dumps({"actors": [], "transfers": [], "meetings": [], "deployments": [], **lists})


def fixtures(tmp_path, second: list[str], first: list[str] | None = None):
    """The first chunk answers nothing; the second chunk gets `second`, one response per request."""
    (tmp_path / "one.json").write_text(json.dumps({"match": ["ALPHA report"], "responses": first or [answer()]}))
    (tmp_path / "two.json").write_text(json.dumps({"match": ["OMEGA report"], "responses": second}))
    return make_provider("replay", fixtures=tmp_path)


# The answers of each strategy that reads the article whole: the second chunk's records quote SENTENCE.
STRATEGIES = {
    "single": ([answer()], [answer(actors=ACTORS, transfers=[TRANSFER])]),
    "per-type": ([json.dumps({"actors": []}), json.dumps({"actors": [], "transfers": []})],
                 [json.dumps({"actors": ACTORS}), json.dumps({"actors": [], "transfers": [TRANSFER]})]),
}


def slices_back(text: str, quote: str, start: int, end: int, method: str) -> bool:
    """The stored offsets cut the quote out of the text (up to the folding its method allows)."""
    if method == "exact":
        return text[start:end] == quote.strip().strip('"').strip()
    deep = method == "deep"
    return fold(text[start:end], deep)[0].strip() == fold(quote.strip().strip('"').strip(), deep)[0].strip()


def assert_offsets_slice_back(db) -> int:
    rows = query_rows(db, "SELECT d.text, e.quote, e.start_char, e.end_char, e.method FROM evidence e "
                          "JOIN runs r USING (run_id) JOIN documents d ON d.doc_id = r.doc_id WHERE e.grounded")
    for text, quote, start, end, method in rows:
        assert slices_back(text, quote, start, end, method), (quote, text[start:end], method)
    return len(rows)


def test_the_two_chunks_cover_the_two_paragraphs():
    doc = document_from_text(ARTICLE)
    read = evidence.chunks(doc, 1000)
    assert len(read) == 2  # the dateline and the first paragraph, then the second paragraph
    second = doc.text.index(SENTENCE, doc.text.index(SENTENCE) + 1)
    (_, (start, end)), (_, (start2, end2)) = read
    assert start < doc.text.index(SENTENCE) < end <= start2 < second < end2


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_a_quote_read_in_the_second_chunk_is_stored_at_its_second_occurrence(tmp_path, strategy):
    doc = document_from_text(ARTICLE)
    first, second = STRATEGIES[strategy]
    provider = fixtures(tmp_path, second, first)
    with Store(tmp_path / "t.duckdb") as store:
        result = extract_document(doc, provider, store, Options(chunk_chars=1000, reask_ungrounded=False,
                                                                passes=strategy))
    assert result.status == "ok", result.error
    assert [t.weapon.name for t in result.extraction.transfers] == ["IRIS-T SLM"]
    second = doc.text.index(SENTENCE, doc.text.index(SENTENCE) + 1)
    starts = query_rows(tmp_path / "t.duckdb", "SELECT DISTINCT start_char, end_char, method FROM evidence")
    assert starts == [(second, second + len(SENTENCE), "exact")]
    assert assert_offsets_slice_back(tmp_path / "t.duckdb") == 3


def test_a_quote_outside_its_chunk_is_found_in_the_whole_text():
    doc = document_from_text(ARTICLE)
    grounding = evidence.Grounding(doc.text)
    _, region = evidence.chunks(doc, 1000)[1]
    (span,) = grounding.ground(["ALPHA report"], region)
    assert (span.start, span.method) == (doc.text.index("ALPHA report"), "exact")


def test_a_quote_cut_to_the_length_limit_is_grounded_inside_its_original():
    text = "Intro. " + SENTENCE + " Later. " + SENTENCE
    grounding = evidence.Grounding(text)
    (whole,) = grounding.ground([SENTENCE], (40, len(text)))
    cut = grounding.span(SENTENCE[:20])
    assert whole.start == text.rindex(SENTENCE) and (cut.start, cut.end) == (whole.start, whole.start + 20)


def test_prompt_lines_map_back_to_the_stored_text():
    text = "Home | World | Defence | Subscribe\n  Norway sends NASAMS  \n\nCopyright 2024\nOslo approved it.\n"
    doc = document_from_text(text)
    lines = evidence.line_map(doc.text, doc.prompt_text)
    assert [doc.text[t:t + len(line)] for (_, t), line in zip(lines, doc.prompt_text.split("\n"), strict=True)] \
        == doc.prompt_text.split("\n")


@pytest.fixture
def searches(monkeypatch):
    """Every grounding search, by quote and region; any other module that searches fails the test."""
    calls: list[tuple[str, tuple | None]] = []
    real = evidence.find

    def counted(quote, text, region=None):
        calls.append((quote, region))
        return real(quote, text, region)

    def forbidden(*args, **kwargs):
        raise AssertionError(f"a stage searched for a quote again: {args[:1]}")

    monkeypatch.setattr(evidence, "find", counted)
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in {"extract", "evals"} and name not in {"extract.evidence", "extract.ground"}:
            for attr in ("locate", "ground_quotes"):
                if hasattr(module, attr):
                    monkeypatch.setattr(module, attr, forbidden)
    return calls


def test_no_stage_grounds_a_quote_twice(tmp_path, searches, monkeypatch):
    """Re-ask decision, re-asked answer, support check, rows, store and the eval's statistics: one
    search per distinct quote, made while its chunk was read. The prompt text is cut once too."""
    import extract.load as load

    wrong = {**TRANSFER, "evidence": ["Germany sent tanks to Ukraine yesterday."]}
    # supported by its quote alone: the support check reads the quote's carried span
    ministry = {"name": "Federal Ministry of Defence", "kind": "government_body", "country": "DEU",
                "evidence": ["The ministry published a long statement"], "confidence": 0.8}
    provider = fixtures(tmp_path, [answer(actors=ACTORS, transfers=[wrong]),
                                   answer(actors=[*ACTORS, ministry], transfers=[TRANSFER])])
    doc = document_from_text(ARTICLE)
    cuts, real = [], load.strip_boilerplate
    monkeypatch.setattr(load, "strip_boilerplate", lambda text: cuts.append(text) or real(text))
    with Store(tmp_path / "t.duckdb") as store:
        result = extract_document(doc, provider, store, Options(chunk_chars=1000, reask_ungrounded=True))
        assert result.status == "ok", result.error
        stats = run_stats(store, result.run_id)
        preds = stored_predictions(store, result.run_id)
    quotes = [q for q, _ in searches]
    assert sorted(quotes) == sorted({SENTENCE, "Germany sent tanks to Ukraine yesterday.", ministry["evidence"][0]})
    assert all(region is not None for _, region in searches)
    assert [a.name for a in result.extraction.actors] == ["Germany", "Ukraine", "Federal Ministry of Defence"]
    assert (stats["quotes"], stats["grounded_quotes"]) == (4, 4) and preds["transfers"][0].grounded
    assert len(cuts) == 1  # Document.prompt_text: run identity, chunks and prompts read one cached value
    no_gold = Extraction()
    view = document_view(DocScore("d", "ok", match_document(preds, no_gold), match_document(preds, no_gold, "lenient"),
                                  text=doc.text))  # the report marks the stored spans
    second = doc.text.index(SENTENCE, doc.text.index(SENTENCE) + 1)
    assert preds["transfers"][0].spans == ((second, second + len(SENTENCE)),)
    assert SENTENCE in [seg.text for seg in view["segments"] if seg.marks == "p"]


def test_every_stored_span_slices_back_to_its_quote_in_the_replay_run(tmp_path):
    db = tmp_path / "t.duckdb"
    out = CliRunner().invoke(app, ["extract", str(EXAMPLE), "--provider", "replay", "--fixtures", str(FIXTURES),
                                   "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert assert_offsets_slice_back(db) >= 8
