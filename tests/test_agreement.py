"""`sitrep eval agreement`: F1 both ways with the eval's keys, Cohen's kappa, what each side lacks."""

import json

import pytest
from typer.testing import CliRunner

from evals.agreement import agreement, cohen_kappa
from evals.run import run_eval
from extract.cli import app
from extract.store import Store
from tests.conftest import FIXTURES, ROOT

runner = CliRunner()
PACKAGE = ROOT / "tests" / "data" / "gold-package"


def test_kappa_matches_the_textbook_example():
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15 → p_o 0.7, p_e 0.5, kappa 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(["x", "x"], ["x", "x"]) == 1.0 and cohen_kappa([], []) is None
    assert cohen_kappa(["a", "b"], ["b", "a"]) == pytest.approx(-1.0)


def test_a_gold_folder_agrees_perfectly_with_itself(tmp_path):
    gold = ROOT / "evals" / "gold"
    result = runner.invoke(app, ["eval", "agreement", str(gold), str(gold), "--db", str(tmp_path / "a.duckdb"),
                                 "--json", str(tmp_path / "a.json"), "--report", str(tmp_path / "a.html")])
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "a.json").read_text())
    assert set(scores["f1"].values()) == set(scores["reverse"]["f1"].values()) == {1.0}
    assert set(scores["f1_lenient"].values()) == {1.0} and scores["macro_f1"] == 1.0
    assert scores["kappa"] == {"certainty": 1.0, "status": 1.0} and min(scores["kappa_n"].values()) > 0
    assert scores["only_in_a"] == scores["only_in_b"] == []
    assert "records one side lacks: none" in result.output and "0.9" not in result.output
    assert "Cohen's kappa certainty <b>1.000</b>" in (tmp_path / "a.html").read_text()


def second_annotator(tmp_path):
    """The package annotated again: two certainties and a status differ, one item missed, one added."""
    raw = json.loads((PACKAGE / "us-aid-package.gold.json").read_text())
    transfers = [t for t in raw["transfers"] if t["weapon"]["name"] != "landmines"]
    transfers[0]["certainty"] = transfers[1]["certainty"] = "reported"
    transfers[5]["status"] = "delivered"  # the 155mm rounds
    transfers.append({**transfers[0], "weapon": {"name": "Zorg-9", "category": "ship"}})
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "b.gold.json").write_text(json.dumps({**raw, "transfers": transfers}))
    return folder


def test_two_annotators_disagreeing(tmp_path):
    result = agreement(PACKAGE, second_annotator(tmp_path))
    t = result.forward.summary.strict["transfers"]
    assert (t.tp, t.fp, t.fn) == (7, 1, 1)
    r = result.reverse.strict["transfers"]
    # reverse: A's generic "landmines" may match B's generic "rockets" by category (the spec's rule),
    # which B's "rockets" already took: a duplicate, not a false positive
    assert (r.tp, r.fp, r.fn) == (7, 0, 1)
    # certainty: A 7 × confirmed, B 5 confirmed + 2 reported → p_o = p_e = 5/7 → 0
    assert result.kappa["certainty"] == pytest.approx(0.0) and result.kappa_n["certainty"] == 7
    # status: A 6 agreed + 1 delivered, B 5 + 2 → p_o 6/7, p_e 32/49 → 10/17
    assert result.kappa["status"] == pytest.approx(10 / 17)
    assert [x["record"] for x in result.only_in_a] == ["United States → Ukraine: landmines"]
    assert [x["record"] for x in result.only_in_b] == ["United States → Ukraine: Zorg-9"]


def test_agreement_equals_scoring_b_as_predictions(tmp_path):
    b = second_annotator(tmp_path)
    with Store(tmp_path / "p.duckdb") as store:
        run = run_eval(PACKAGE, store, predictions=b)
    assert run.summary.to_json()["strict"] == agreement(PACKAGE, b).forward.summary.to_json()["strict"]


def test_stored_agreement_is_printed_beside_model_f1(tmp_path):
    gold, db = ROOT / "tests" / "data" / "gold", str(tmp_path / "c.duckdb")
    assert runner.invoke(app, ["eval", "agreement", str(gold), str(gold), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--provider", "replay", "--fixtures", str(FIXTURES),
                                 "--db", db, "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert "agreement" in result.output
    assert json.loads((tmp_path / "r.json").read_text())["agreement_f1"]["micro"] == 1.0


def test_folders_without_a_shared_document_are_an_error(tmp_path):
    result = runner.invoke(app, ["eval", "agreement", str(PACKAGE), str(ROOT / "tests" / "data" / "gold"),
                                 "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2 and "share no document.id" in result.output
