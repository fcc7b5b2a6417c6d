"""One retry layer for transport errors, a name for every unusable answer (issue 8, items 6 and 10),
against the OpenAI-compatible stub on 127.0.0.1 (tests/stub_server.py)."""

import logging
import time
from dataclasses import replace

import pytest

from extract.load import document_from_text
from extract.pipeline import extract_document, extract_paths
from extract.providers import make_provider
from extract.providers.base import ConfigError
from tests.stub_server import article

KEY = "sk-transport-test-never-logged-7731"


@pytest.fixture
def remote(stub, monkeypatch):
    """A provider for the stub, its backoff shortened to milliseconds (Retry-After is still honoured)."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    def make(name: str = "openai-compatible", timeout: float = 5.0):
        provider = make_provider(name, base_url=stub.url, timeout_s=timeout)
        provider._policy = replace(provider._policy, backoff_s=0.02)
        return provider

    return make


def run(provider, n: int = 0):
    start = time.monotonic()
    result = extract_document(document_from_text(article(n)), provider)
    return result, time.monotonic() - start


@pytest.mark.parametrize("name", ["openai-compatible", "openai"])
def test_a_500_costs_three_requests_not_nine(stub, remote, name):
    stub.behaviour = "http500"
    result, _ = run(remote(name))
    assert stub.requests == 3
    assert result.status == "failed" and "HTTP 500" in result.error and "3 attempts" in result.error


def test_a_passing_500_is_retried_and_the_answer_kept(stub, remote):
    stub.script("http500")
    result, _ = run(remote())
    assert stub.requests == 2 and result.status == "ok", result.error


def test_429_waits_what_retry_after_says(stub, remote):
    stub.behaviour, stub.retry_after = "http429", "0.4"
    result, seconds = run(remote())
    assert stub.requests == 3 and seconds >= 0.8  # two waits of 0.4 s
    assert "HTTP 429" in result.error and "retry after 0.4 s" in result.error


def test_a_retry_after_beyond_the_timeout_is_not_waited_for(stub, remote):
    stub.behaviour, stub.retry_after = "http429", "30"
    result, seconds = run(remote(timeout=5))
    assert stub.requests == 1 and seconds < 4
    assert "would run past --timeout 5 s" in result.error


def test_a_hung_request_costs_one_timeout_and_the_message_names_it(stub, remote):
    stub.behaviour, stub.hang_s = "hang", 10
    result, seconds = run(remote(timeout=1))
    assert stub.requests == 1 and 0.9 <= seconds < 3
    assert "no answer from http://127.0.0.1" in result.error and "within 1 s (--timeout)" in result.error


def test_a_rejected_key_is_a_config_error_and_the_batch_stops(stub, remote, tmp_path):
    stub.behaviour = "http401"
    paths = []
    for n in range(3):
        paths.append(tmp_path / f"a{n}.txt")
        paths[-1].write_text(article(n))
    done = []
    with pytest.raises(ConfigError, match="HTTP 401 .*check OPENAI_API_KEY"):
        done.extend(extract_paths(paths, remote()))
    assert stub.requests == 1 and done == []


@pytest.mark.parametrize("behaviour, words", [
    ("html", "answered with an HTML page, not a chat completion"),
    ("empty_choices", "answered with no choices"),
    ("truncated", "truncated at the token limit (finish_reason=length)"),
])
def test_bad_answers_are_named(stub, remote, behaviour, words):
    stub.behaviour = behaviour
    result, _ = run(remote())
    assert stub.requests == 1 and result.status == "failed" and words in result.error, result.error


def test_an_echoed_key_never_reaches_the_message_and_the_http_logs_stay_quiet(stub, remote, caplog):
    caplog.set_level(logging.DEBUG)
    stub.behaviour = "echo_auth"
    result, _ = run(remote())
    assert "HTTP 400" in result.error and "[redacted]" in result.error and KEY not in result.error
    assert KEY not in caplog.text
    assert not [r for r in caplog.records if r.name.split(".")[0] in {"httpx", "httpx2", "httpcore", "openai"}
                and r.levelno < logging.WARNING]


def test_the_sdk_does_not_retry_on_its_own(remote):
    assert remote()._client.max_retries == 0
