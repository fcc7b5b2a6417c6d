"""run_eval as a library call, failed documents, and scoring a folder of gold/1 predictions."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from evals.run import run_eval
from evals.summary import EvalRun
from extract.cli import app
from extract.store import Store
from tests.conftest import FIXTURES, ROOT

runner = CliRunner()
GOLD = ROOT / "evals" / "gold"
IRIS = ROOT / "tests" / "data" / "gold" / "iris-t.gold.json"


def gold_folder(tmp_path, *ids, iris=False):
    """A gold folder of a few dev articles (and the IRIS-T file that replay can answer)."""
    folder = tmp_path / "gold"
    folder.mkdir()
    for doc in ids:
        for suffix in (".gold.json", ".txt"):
            shutil.copy(GOLD / f"{doc}{suffix}", folder)
    if iris:
        raw = json.loads(IRIS.read_text())
        raw["document"]["text_file"] = str((IRIS.parent / raw["document"]["text_file"]).resolve())
        (folder / "iris.gold.json").write_text(json.dumps(raw))
    return folder


def replay_eval(gold, db, tmp_path):
    return runner.invoke(app, ["eval", "--gold", str(gold), "--provider", "replay", "--fixtures", str(FIXTURES),
                               "--db", str(db), "--json", str(tmp_path / "r.json"), "--report",
                               str(tmp_path / "r.html")])


def test_all_failed_exits_nonzero_lists_them_and_scores_no_clean_negative(db, tmp_path):
    gold = gold_folder(tmp_path, "en-finland-election-none", "fr-rafale-serbie")
    result = replay_eval(gold, db, tmp_path)
    assert result.exit_code == 1, result.output
    assert "2 of 2 documents failed" in result.output
    scores = json.loads((tmp_path / "r.json").read_text())
    assert [f["doc_id"] for f in scores["failed"]] == ["en-finland-election-none", "fr-rafale-serbie"]
    assert scores["macro_f1"] == 0.0 and scores["f1"]["deployments"] == 0.0 and scores["f1"]["micro"] == 0.0
    assert "Failed documents: 2 of 2" in (tmp_path / "r.html").read_text()


def test_half_failed_still_exits_zero_but_the_failure_is_listed(db, tmp_path):
    gold = gold_folder(tmp_path, "en-finland-election-none", iris=True)
    result = replay_eval(gold, db, tmp_path)
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "r.json").read_text())
    assert [f["doc_id"] for f in scores["failed"]] == ["en-finland-election-none"]
    per_doc = {d["id"]: d["f1"] for d in scores["per_document"]}
    assert per_doc == {"en-finland-election-none": 0.0, "iris-t-ukraine": 1.0}
    assert scores["macro_f1"] == 0.5


def test_run_eval_scores_a_predictions_folder_and_stores_the_run(db, tmp_path):
    with Store(db) as store:
        run = run_eval(GOLD, store, predictions=GOLD)
        _, rows = store.query("SELECT provider, model, summary FROM eval_runs WHERE eval_id = ?", [run.meta.eval_id])
    assert isinstance(run, EvalRun)
    assert set(run.summary.f1.values()) == {1.0} and run.summary.failed == []
    assert run.summary.grounding_rate == 1.0 and run.summary.calibration_n == 0  # gold states no confidence
    (provider, model, summary), = rows
    assert provider == "predictions" and model == str(GOLD.resolve())
    assert json.loads(summary)["meta"]["predictions_dir"] == str(GOLD.resolve())


def test_predictions_need_no_confidence_or_evidence_and_leave_optional_records_out(db, tmp_path):
    gold = gold_folder(tmp_path, "fr-rafale-serbie", "en-finland-election-none")
    raw = json.loads((gold / "fr-rafale-serbie.gold.json").read_text())
    for kind in ("actors", "transfers", "meetings", "deployments"):
        for record in raw.get(kind, []):
            record.pop("evidence", None)
    raw["transfers"][0]["confidence"] = 0.8
    raw["transfers"].append({**raw["transfers"][0], "weapon": {"name": "Zorg-9", "category": "ship"},
                             "optional": True})
    preds = tmp_path / "preds"
    preds.mkdir()
    (preds / "any-name.json").write_text(json.dumps({**raw, "document": {"id": "fr-rafale-serbie",
                                                                           "text_file": "nowhere.txt"}}))
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--predictions", str(preds), "--db", str(db),
                                 "--json", str(tmp_path / "p.json")])
    assert result.exit_code == 0, result.output  # 1 of 2 failed: not more than half
    scores = json.loads((tmp_path / "p.json").read_text())
    assert scores["meta"]["provider"] == "predictions" and scores["meta"]["model"] == str(preds.resolve())
    assert [f["doc_id"] for f in scores["failed"]] == ["en-finland-election-none"]
    per_doc = {d["id"]: d for d in scores["per_document"]}
    assert per_doc["fr-rafale-serbie"]["f1"] == 1.0 and per_doc["fr-rafale-serbie"]["transfers"]["fp"] == 0
    assert scores["calibration_n"] == 1 and scores["brier"] == pytest.approx(0.2**2)


def test_a_bad_predictions_file_names_the_file_and_field(db, tmp_path):
    preds = tmp_path / "preds"
    preds.mkdir()
    (preds / "x.json").write_text(json.dumps({"format": "gold/1", "document": {"id": "x", "text_file": "x"},
                                              "transfers": [{"supplier": "A"}]}))
    result = runner.invoke(app, ["eval", "--gold", str(GOLD), "--predictions", str(preds), "--db", str(db)])
    assert result.exit_code == 2
    assert "x.json" in result.output and "transfers.0.recipient" in result.output


def test_no_module_of_the_eval_harness_imports_the_cli_that_registers_it():
    import ast

    for path in (ROOT / "evals").glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert "extract.cli" not in imported, path.name
