"""Calibration maps: fitted with scikit-learn's isotonic regression, applied with numpy."""

import json

from extract import calibrate


def test_raw_scores_order_records_by_their_features():
    weak = calibrate.raw_score("transfers", {})
    strong = calibrate.raw_score("transfers", {"lexicon": True, "supplier_near": True, "recipient_near": True})
    assert 0 <= weak < strong <= 1


def test_fitted_map_is_monotone_and_moves_towards_the_observed_rate(tmp_path, monkeypatch):
    monkeypatch.setattr(calibrate, "PATH", tmp_path / "calibration.json")
    calibrate._maps.cache_clear()
    pairs = {"local/m/transfers": [(0.3, 0)] * 8 + [(0.3, 1)] * 2 + [(0.9, 1)] * 9 + [(0.9, 0)]}
    calibrate.save(calibrate.fit(pairs), "test")
    saved = json.loads((tmp_path / "calibration.json").read_text())
    assert saved["version"] == 1 and "local/m/transfers" in saved["maps"]
    low = calibrate.calibrated("local", "m", "transfers", 0.3)
    high = calibrate.calibrated("local", "m", "transfers", 0.9)
    assert abs(low - 0.2) < 0.01 and abs(high - 0.9) < 0.01
    assert calibrate.calibrated("local", "other-model", "transfers", 0.3) == 0.3  # no map: raw kept
    calibrate._maps.cache_clear()


def test_the_store_keeps_the_raw_score_beside_the_calibrated_one(tmp_path, monkeypatch):
    from extract.load import document_from_text
    from extract.pipeline import Options, extract_document
    from extract.providers import make_provider
    from extract.store import Store

    article = "Kyiv, 1 May 2024\n\nGermany delivered a third Patriot system to Ukraine on Monday.\n"
    answer = {"transfers": [{"sentence": 1, "supplier": "Germany", "recipient": "Ukraine", "weapon": "Patriot",
                             "category": "air_defence", "quantity": None, "status": "delivered",
                             "certainty": "confirmed"}]}
    (tmp_path / "f.json").write_text(json.dumps({"match": ["Germany delivered"], "responses": [json.dumps(answer)]}))
    provider = make_provider("replay", fixtures=tmp_path)
    monkeypatch.setattr(calibrate, "PATH", tmp_path / "calibration.json")
    calibrate._maps.cache_clear()
    calibrate.save({calibrate.map_key(provider.name, provider.model, "transfers"): {"x": [0.0, 1.0], "y": [0.1, 0.2]}},
                   "test")
    try:
        with Store(tmp_path / "s.duckdb") as store:
            result = extract_document(document_from_text(article), provider, store, Options(passes="small"))
            _, rows = store.query("SELECT confidence, raw_confidence FROM transfers WHERE run_id = ?", [result.run_id])
            _, actors = store.query("SELECT confidence, raw_confidence FROM actors WHERE run_id = ?", [result.run_id])
    finally:
        calibrate._maps.cache_clear()
    assert len(rows) == 1 and 0.1 <= rows[0][0] <= 0.2 < rows[0][1]  # calibrated, and the raw score beside it
    assert result.extraction.transfers[0].confidence == rows[0][0]
    assert actors and all(raw is not None and raw == conf for conf, raw in actors)  # no actors map: the same
