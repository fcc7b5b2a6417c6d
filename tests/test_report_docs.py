"""The report's attribute errors, side-by-side records and evidence marks (escaped)."""

from datetime import datetime

from evals.match import match_document
from evals.report import write_html
from evals.report_docs import attribute_errors, document_view, segments
from evals.score import DocScore
from evals.summary import EvalMeta, EvalRun, summarise
from tests.test_match import ACTORS, UA, US, gold, preds, transfer

TEXT = "Washington will send <b>HIMARS</b> to Kyiv. Officials said 12 launchers left in May."


def scored(pred_kw, gold_kw, text=TEXT):
    g = gold(actors=[US, UA], transfers=[transfer("United States", "Ukraine", "HIMARS", "artillery", **gold_kw)])
    p = preds(actors=ACTORS[:2], transfers=[transfer("United States", "Ukraine", "HIMARS", "artillery", **pred_kw)])
    return DocScore("d1", "ok", match_document(p, g), match_document(p, g, "lenient"), text=text)


def test_wrong_certainty_status_date_and_quantity_are_listed_with_both_values():
    doc = scored({"certainty": "reported", "status": "agreed", "when": {"start": "2023-05"},
                  "quantity": {"min": 4, "max": 4}},
                 {"certainty": "confirmed", "status": "delivered", "when": {"start": "2024-05"},
                  "quantity": {"min": 12, "max": 12, "text": "12 launchers"}})
    rows = {e["attribute"]: (e["gold"], e["predicted"]) for e in attribute_errors([doc])}
    assert rows == {"certainty": ("confirmed", "reported"), "status": ("delivered", "agreed"),
                    "when": ("2024-05", "2023-05"), "quantity": ("12 (12 launchers)", "4")}
    right = scored({"status": "delivered"}, {"status": "delivered"})
    assert attribute_errors([right]) == []


def test_segments_mark_gold_predicted_and_both():
    text = "aaa bbb ccc ddd"
    segs = segments(text, ["bbb ccc"], ["ccc ddd"])
    assert [(s.text, s.marks) for s in segs] == [("aaa ", ""), ("bbb ", "g"), ("ccc", "gp"), (" ddd", "p")]
    assert "".join(s.text for s in segs) == text
    assert segments("abc", ["not there"], []) == segments("abc", [], [])


def test_document_view_puts_gold_and_prediction_side_by_side():
    doc = scored({"status": "agreed", "evidence": ["12 launchers left in May"]},
                 {"status": "delivered", "evidence": ["send <b>HIMARS</b> to Kyiv"]})
    view = document_view(doc)
    (row,) = [r for r in view["rows"] if r["type"] == "transfers"]
    assert row["outcome"] == "tp"
    assert "status delivered" in row["gold"] and "status agreed" in row["predicted"]
    marked = {s.text: s.marks for s in view["segments"] if s.marks}
    assert marked == {"send <b>HIMARS</b> to Kyiv": "g", "12 launchers left in May": "p"}


def test_html_report_escapes_text_and_records(tmp_path):
    doc = scored({"status": "agreed", "evidence": ["send <b>HIMARS</b> to Kyiv"]}, {"status": "delivered"})
    run = EvalRun(EvalMeta("g", "replay", "m", datetime.now()), summarise([doc]), [doc])
    write_html(tmp_path / "r.html", run)
    html = (tmp_path / "r.html").read_text()
    assert "<b>HIMARS</b>" not in html and '<mark class="p">send &lt;b&gt;HIMARS&lt;/b&gt; to Kyiv</mark>' in html
    assert "Wrong attributes on matched pairs" in html and "<td class=\"l\">delivered</td>" in html
    assert 'id="doc-d1"' in html
