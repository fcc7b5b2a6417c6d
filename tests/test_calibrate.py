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
