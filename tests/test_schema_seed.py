"""A new database made from the process's migrated template has the schema an in-place migration gives."""

from __future__ import annotations

import duckdb

from extract.store import Store, migrations


def _schema(path) -> tuple[list, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                              "ORDER BY ALL").fetchall()
        versions = con.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()
        return columns, versions
    finally:
        con.close()


def test_each_new_file_has_every_migration_and_the_same_schema(tmp_path):
    paths = [tmp_path / f"n{i}.duckdb" for i in range(3)]  # the second and third are copies of the template
    for path in paths:
        Store(path).close()
    first = _schema(paths[0])
    assert first[1] == [(v, name) for v, name, _ in migrations()]
    assert all(_schema(p) == first for p in paths[1:])


def test_an_in_memory_store_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for _ in range(3):
        Store(":memory:").close()
    assert list(tmp_path.iterdir()) == []
