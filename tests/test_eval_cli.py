import json

from typer.testing import CliRunner

from extract.cli import app
from tests.conftest import FIXTURES, ROOT, SHARED_GOLD

runner = CliRunner()
GOLD = ROOT / "tests" / "data" / "gold"


def run_eval(db, tmp_path, gold=GOLD):
    return runner.invoke(app, ["eval", "--gold", str(gold), "--provider", "replay", "--fixtures", str(FIXTURES),
                               "--db", str(db), "--report", str(tmp_path / "r.html"), "--json",
                               str(tmp_path / "r.json")])


def test_eval_scores_replayed_predictions_exactly(db, tmp_path):
    result = run_eval(db, tmp_path)
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "r.json").read_text())
    # 6 predicted actors: 5 required gold + Diehl (optional) → 5 TP, 0 FP, 0 FN
    assert (scores["strict"]["actors"]["tp"], scores["strict"]["actors"]["fp"], scores["strict"]["actors"]["fn"]) \
        == (5, 0, 0)
    # two predicted transfers share the match key Germany → Ukraine: IRIS-T SLM → one prediction, one TP
    assert (scores["strict"]["transfers"]["tp"], scores["strict"]["transfers"]["fp"]) == (1, 0)
    # the meeting matches optional gold: neither TP nor FP
    assert scores["strict"]["meetings"]["tp"] == 0 and scores["strict"]["meetings"]["fp"] == 0
    assert scores["f1"]["micro"] == 1.0
    assert scores["grounding_rate"] == 1.0 and scores["schema_valid_rate"] == 1.0
    assert scores["attributes"]["transfers.status"] == {"accuracy": 1.0, "n": 1}
    assert scores["brier"] is not None and 0 <= scores["ece"] <= 1
    html = (tmp_path / "r.html").read_text()
    assert "<svg" in html and "Reliability diagram" in html and "iris-t-ukraine" in html


def test_eval_reuses_stored_extractions_and_compare_runs(db, tmp_path):
    first = run_eval(db, tmp_path)
    second = run_eval(db, tmp_path)  # replay has one response: a second extraction would fail
    assert second.exit_code == 0, second.output
    ids = [line.split()[2] for line in (first.output + second.output).splitlines() if line.startswith("eval run ")]
    assert len(ids) == 2
    cmp = runner.invoke(app, ["eval", "compare", ids[0], ids[1], "--db", str(db)])
    assert cmp.exit_code == 0 and "fixed (0)" in cmp.output and "broken (0)" in cmp.output


def test_bad_gold_folder_names_file_and_field(db, tmp_path):
    (tmp_path / "x.gold.json").write_text(json.dumps({"format": "gold/1", "document": {"id": "x", "text_file": "x.txt"},
                                                      "transfers": [{"supplier": "A"}]}))
    result = run_eval(db, tmp_path, gold=tmp_path)
    assert result.exit_code == 2
    assert "x.gold.json" in result.output and "transfers.0.recipient" in result.output
    assert "Traceback" not in result.output


def test_shared_gold_example_reads_and_scores(db, tmp_path):
    from evals.match import match_document
    from evals.score import DocScore, micro
    from schemas.gold import GoldFile

    gold = GoldFile.model_validate(json.loads(SHARED_GOLD.read_text(encoding="utf-8")))
    empty = match_document({}, gold)
    scores = micro([DocScore(gold.document.id, "ok", empty)])
    # 8 required actors, 2 required transfers, 3 meetings, 1 deployment → all false negatives
    assert (scores["actors"]["fn"], scores["transfers"]["fn"], scores["meetings"]["fn"],
            scores["deployments"]["fn"]) == (8, 2, 3, 1)
