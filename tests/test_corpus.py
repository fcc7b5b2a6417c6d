"""Corpus files as input: rows of JSONL, CSV, Parquet or stdin become documents, streamed."""

import io
import json
import sys

import duckdb
import pytest

from extract.corpus import Columns, count_rows, iso_date, read_corpus
from extract.load import Document, LoadError
from extract.pipeline import DocResult
from tests.stub_server import article

ROWS = [{"url": f"https://example.org/{i}", "body": article(i), "day": f"2024-05-0{i + 1}", "headline": f"Story {i}"}
        for i in range(3)]
COLUMNS = Columns(text="body", id="url", date="day", title="headline")


def write(tmp_path, kind):
    path = tmp_path / f"corpus.{kind}"
    if kind == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    else:
        con = duckdb.connect()
        con.execute("CREATE TABLE t AS SELECT * FROM (VALUES " + ", ".join(
            "(?, ?, ?, ?)" for _ in ROWS) + ") v(url, body, day, headline)", [x for r in ROWS for x in r.values()])
        fmt = "(FORMAT parquet)" if kind == "parquet" else "(HEADER)"
        con.execute(f"COPY t TO '{path}' {fmt}")
    return path


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet"])
def test_each_row_is_a_document_with_its_source_date_and_title(tmp_path, kind):
    path = write(tmp_path, kind)
    docs = list(read_corpus(path, COLUMNS))
    assert [d.source for d in docs] == [r["url"] for r in ROWS]
    assert [d.published for d in docs] == ["2024-05-01", "2024-05-02", "2024-05-03"]
    assert [d.title for d in docs] == ["Story 0", "Story 1", "Story 2"]
    assert docs[1].text == article(1) and len({d.doc_id for d in docs}) == 3
    assert count_rows(path) == (None if kind == "csv" else 3)


def test_without_an_id_column_the_source_is_file_and_row(tmp_path):
    path = write(tmp_path, "jsonl")
    docs = list(read_corpus(path, Columns(text="body")))
    assert docs[2].source == f"{path}#3"
    assert docs[0].published == "2024-05-03"  # the text's own dateline, as for a file ("3 May 2024")


def test_bad_rows_fail_alone_and_the_rest_go_on(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n{not json\n" + json.dumps({**ROWS[1], "body": "  "}) + "\n[1]\n"
                    + json.dumps(ROWS[2]) + "\n", encoding="utf-8")
    out = list(read_corpus(path, COLUMNS))
    assert [type(x) for x in out] == [Document, DocResult, DocResult, DocResult, Document]
    assert "line 2: not JSON" in out[1].error and "empty text" in out[2].error and "not an object" in out[3].error
    assert all(x.status == "failed" for x in out[1:4])


def test_a_wrong_text_column_is_one_error_not_one_per_row(tmp_path):
    with pytest.raises(LoadError, match="no column 'text'.*--text-column"):
        list(read_corpus(write(tmp_path, "jsonl"), Columns()))
    with pytest.raises(LoadError, match="no column 'text'"):
        list(read_corpus(write(tmp_path, "parquet"), Columns()))


@pytest.mark.parametrize("payload", ["jsonl", "csv"])
def test_stdin_is_sniffed_as_jsonl_or_csv(monkeypatch, payload):
    if payload == "jsonl":
        data = "".join(json.dumps(r) + "\n" for r in ROWS)
    else:
        buf = io.StringIO()
        import csv

        writer = csv.DictWriter(buf, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)
        data = buf.getvalue()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    from pathlib import Path

    docs = list(read_corpus(Path("-"), COLUMNS))
    assert [d.source for d in docs] == [r["url"] for r in ROWS]


def test_reading_is_streamed(monkeypatch):
    """The first document comes out before the input has been read further (a stream that fails
    on its second line would otherwise fail here)."""

    class Stream:
        def readline(self):
            return json.dumps(ROWS[0]) + "\n"

        def __iter__(self):
            raise AssertionError("read past the first row before yielding it")

    monkeypatch.setattr(sys, "stdin", Stream())
    from pathlib import Path

    reader = read_corpus(Path("-"), COLUMNS)
    assert next(reader).source == ROWS[0]["url"]
    with pytest.raises(AssertionError, match="read past"):
        next(reader)


def test_dates_in_any_shape():
    import datetime as dt

    assert iso_date(dt.datetime(2024, 5, 3, 12, 0)) == "2024-05-03"
    assert iso_date(dt.date(2024, 5, 3)) == "2024-05-03"
    assert iso_date("2024-05") == "2024-05"
    assert iso_date("3 May 2024") == "2024-05-03"
    assert iso_date("not a date") is None and iso_date("") is None
