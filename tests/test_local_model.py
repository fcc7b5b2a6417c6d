"""Real end-to-end run of the embedded model on a short article (about a minute on 2 cores)."""

import pytest

from extract.load import document_from_text
from extract.pipeline import Options, extract_document
from extract.providers import make_provider
from extract.store import Store

ARTICLE = """Oslo, 3 June 2023

Norway sends NASAMS air defence to Ukraine

Norway has delivered two NASAMS air defence systems to Ukraine, the Norwegian defence ministry said on Saturday.
The systems will protect Ukrainian cities against Russian missiles and drones.
"""

pytestmark = pytest.mark.model


def test_embedded_model_extracts_the_obvious_transfer(tmp_path):
    provider = make_provider("local")
    try:
        with Store(tmp_path / "e2e.duckdb") as store:
            result = extract_document(document_from_text(ARTICLE), provider, store, Options(reask_ungrounded=False))
            assert result.status == "ok", result.error
            transfers = result.extraction.transfers
            assert any(t.supplier == "Norway" and t.recipient == "Ukraine" and "NASAMS" in t.weapon.name.upper()
                       for t in transfers), transfers
            grounded = store.query("SELECT count(*) FILTER (WHERE grounded), count(*) FROM evidence "
                                   "WHERE record_type = 'transfers'")[1][0]
            assert grounded[0] >= 1, grounded
            runs = store.query("SELECT provider, model, status, prompt_tokens FROM runs")[1]
            assert runs[0][:3] == ("local", "qwen2.5-coder-1.5b-instruct-q4_k_m", "ok") and runs[0][3] > 0
    finally:
        provider.close()
