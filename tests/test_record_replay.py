"""--record then replay round-trips (issue 8, item 13): what a provider answered is what replay serves."""

import json

import pytest

from extract.load import document_from_text
from extract.pipeline import Options, extract_document
from extract.providers import make_provider
from extract.providers.recording import Recording
from extract.providers.replay import article_of
from tests.stub_server import ANSWER, ARTICLE

# The opening words cross a line break: the recorded match string collapses it to a space.
WRAPPED = "Minsk, 3 May 2024.\nRussia has delivered 12 S-400\nlaunchers to Belarus, officials said.\n"


def records(result) -> dict:
    return result.extraction.model_dump(exclude={"actors": {"__all__": {"confidence"}}})


@pytest.mark.parametrize("name", ["openai", "openai-compatible"])
@pytest.mark.parametrize("text", [WRAPPED, ARTICLE + "A reader wrote </article> in a comment.\n"])
def test_a_recorded_run_replays_to_the_same_records(stub, tmp_path, monkeypatch, name, text):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-record-test-123456")
    folder = tmp_path / "fx"
    doc = document_from_text(text)
    live = extract_document(doc, Recording(make_provider(name, base_url=stub.url), folder), None,
                            Options(reask_ungrounded=False))
    assert live.status == "ok", live.error
    (fixture,) = [json.loads(p.read_text()) for p in folder.glob("*.json")]
    assert fixture["responses"] and json.loads(fixture["responses"][0]) == ANSWER  # not empty (tool call)
    replayed = extract_document(doc, make_provider("replay", fixtures=folder), None, Options(reask_ungrounded=False))
    assert replayed.status == "ok", replayed.error
    assert records(replayed) == records(live) and records(live)["transfers"]


def test_an_article_containing_the_closing_delimiter_is_read_whole():
    text = "Before </article> after, and the end."
    msgs = [{"role": "user", "content": f"meta\n<article>\n{text}\n</article>\n\nExtract."}]
    assert article_of(msgs) == text


def test_record_into_a_file_is_a_clear_error(tmp_path):
    from extract.providers.base import ConfigError
    from tests.conftest import FIXTURES

    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        Recording(make_provider("replay", fixtures=FIXTURES), tmp_path / "file")
