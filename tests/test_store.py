import duckdb
import pytest

from extract.load import document_from_text
from extract.pipeline import extract_document
from extract.providers import make_provider
from extract.store import Store
from tests.conftest import EXAMPLE, FIXTURES

COUNT_TABLES = ("documents", "runs", "actors", "transfers", "meetings", "evidence")


def counts(store: Store) -> dict[str, int]:
    return {t: store.query(f"SELECT count(*) FROM {t}")[1][0][0] for t in COUNT_TABLES}


@pytest.fixture
def doc():
    return document_from_text(EXAMPLE.read_text(encoding="utf-8"), source=str(EXAMPLE))


def replay(model="replay"):
    return make_provider("replay", model=model, fixtures=FIXTURES)


def test_migrations_apply_once_and_record_versions(db):
    with Store(db) as store:
        assert store.version() >= 1
        assert store.migrate() == []  # nothing pending the second time
        names = {r[0] for r in store.query("SELECT table_name FROM information_schema.tables")[1]}
    assert {"documents", "runs", "actors", "transfers", "meetings", "deployments", "evidence",
            "latest_transfers"} <= names


def test_same_document_model_prompt_schema_is_idempotent(db, doc):
    with Store(db) as store:
        first = extract_document(doc, replay(), store)
        before = counts(store)
        again = extract_document(doc, replay(), store)
        assert (first.status, again.status) == ("ok", "skipped")
        assert counts(store) == before
        assert before["transfers"] == 2 and before["runs"] == 1


def test_a_change_in_the_cleaned_text_is_a_new_run(doc, monkeypatch):
    """Better boilerplate removal changes what the model reads, so it must not reuse a stored run."""
    from dataclasses import replace

    from extract import load
    from extract.pipeline import run_info

    before = run_info(doc, replay())
    monkeypatch.setattr(load, "strip_boilerplate", lambda text: text.upper())
    after = run_info(replace(doc), replay())  # the next run reads the document again (prompt_text is cached)
    assert before.run_id != after.run_id and after.params["input_sha256"] != before.params["input_sha256"]


def test_another_model_makes_another_run_and_latest_views_pick_one(db, doc):
    with Store(db) as store:
        extract_document(doc, replay("model-a"), store)
        extract_document(doc, replay("model-b"), store)
        assert counts(store)["runs"] == 2 and counts(store)["documents"] == 1
        assert store.query("SELECT count(*) FROM transfers")[1][0][0] == 4
        assert store.query("SELECT count(*) FROM latest_transfers")[1][0][0] == 2
        models = store.query("SELECT DISTINCT r.model FROM latest_transfers t JOIN runs r USING (run_id)")[1]
        assert models == [("model-b",)]


def test_force_rewrites_without_duplicates(db, doc):
    from extract.pipeline import Options

    with Store(db) as store:
        extract_document(doc, replay(), store)
        before = counts(store)
        extract_document(doc, replay(), store, Options(force=True))
        assert counts(store) == before


def test_crash_mid_document_leaves_no_half_rows(db, doc, monkeypatch):
    with Store(db) as store:
        real_insert = store._insert_many
        calls = {"n": 0}

        def crashing_insert(table, rows):
            calls["n"] += 1
            if calls["n"] == 2:  # after the first table's rows are in
                raise RuntimeError("power cut")
            real_insert(table, rows)

        monkeypatch.setattr(store, "_insert_many", crashing_insert)
        with pytest.raises(RuntimeError, match="power cut"):
            extract_document(doc, replay(), store)
        assert counts(store) == dict.fromkeys(COUNT_TABLES, 0)
        monkeypatch.setattr(store, "_insert_many", real_insert)
        assert extract_document(doc, replay(), store).status == "ok"  # resume works afterwards
        assert counts(store)["runs"] == 1


def test_database_is_plain_duckdb_and_holds_no_secret(db, doc, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET-123")
    with Store(db) as store:
        extract_document(doc, replay(), store)
    con = duckdb.connect(str(db), read_only=True)
    params = con.execute("SELECT params FROM runs").fetchone()[0]
    assert "SECRET" not in params
    assert con.execute("SELECT count(*) FROM latest_actors").fetchone()[0] == 6
    con.close()
    assert b"sk-test-SECRET-123" not in db.read_bytes()
