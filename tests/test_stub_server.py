"""The fault stub itself: behaviours switch, the counter counts, and it only listens on loopback."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.stub_server import ANSWER, StubServer


def _post(url: str, body: dict | None = None) -> tuple[int, dict, str]:
    data = json.dumps(body or {"model": "m", "messages": []}).encode()
    req = urllib.request.Request(f"{url}/chat/completions", data, {"Authorization": "Bearer sk-stubtest-123456",
                                                                    "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def test_valid_script_and_counter(stub: StubServer) -> None:
    assert stub.url.startswith("http://127.0.0.1:")
    status, _, text = _post(stub.url)
    assert status == 200 and json.loads(json.loads(text)["choices"][0]["message"]["content"]) == ANSWER
    stub.script("http429", "empty_choices")
    status, headers, _ = _post(stub.url)
    assert status == 429 and headers["Retry-After"] == "1"
    assert json.loads(_post(stub.url)[2])["choices"] == []
    assert _post(stub.url)[0] == 200  # back to `behaviour`
    assert stub.requests == 4


def test_error_behaviours(stub: StubServer) -> None:
    stub.behaviour = "echo_auth"
    assert "sk-stubtest-123456" in _post(stub.url)[2]
    stub.behaviour = "truncated"
    choice = json.loads(_post(stub.url)[2])["choices"][0]
    assert choice["finish_reason"] == "length"
    stub.behaviour = "html"
    assert _post(stub.url)[2].startswith("<html>")
    with pytest.raises(ValueError):
        stub.behaviour = "nonsense"
    with pytest.raises(ValueError):
        stub.script("valid", "nonsense")


def test_tools_mode_answers_with_a_tool_call(stub: StubServer) -> None:
    body = {"model": "m", "messages": [], "tools": [{"type": "function", "function": {"name": "Extraction"}}]}
    message = json.loads(_post(stub.url, body)[2])["choices"][0]["message"]
    assert message["tool_calls"][0]["function"]["name"] == "Extraction"
    assert stub.received[-1]["headers"]["Authorization"] == "Bearer sk-stubtest-123456"
