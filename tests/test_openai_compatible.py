"""The openai-compatible provider against a fake OpenAI server on loopback (same path as vLLM, Ollama)."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
from typer.testing import CliRunner

from extract.cli import app
from tests.conftest import EXAMPLE, FIXTURES

ANSWER = json.loads((FIXTURES / "iris-t-ukraine.json").read_text())["responses"][0]
KEY = "sk-test-never-stored-4242"


class FakeOpenAI(BaseHTTPRequestHandler):
    requests: list[dict] = []
    auth: list[str] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append(body)
        FakeOpenAI.auth.append(self.headers.get("Authorization", ""))
        reply = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                 "choices": [{"index": 0, "finish_reason": "stop",
                              "message": {"role": "assistant", "content": ANSWER}}],
                 "usage": {"prompt_tokens": 900, "completion_tokens": 300, "total_tokens": 1200}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    FakeOpenAI.requests, FakeOpenAI.auth = [], []
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_base_url_selects_openai_compatible_and_the_key_is_never_stored(server, db, monkeypatch, caplog):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    result = CliRunner().invoke(app, ["extract", str(EXAMPLE), "--base-url", server, "--model", "qwen-test",
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    request = FakeOpenAI.requests[0]
    assert request["model"] == "qwen-test" and request["response_format"] == {"type": "json_object"}
    assert "<article>" in request["messages"][-1]["content"]
    assert FakeOpenAI.auth[0] == f"Bearer {KEY}"  # sent to the server…
    con = duckdb.connect(str(db), read_only=True)
    provider, model, tokens, params = con.execute(
        "SELECT provider, model, prompt_tokens + completion_tokens, params FROM runs").fetchone()
    assert (provider, model, tokens) == ("openai-compatible", "qwen-test", 1200)
    assert json.loads(params)["base_url"] == server
    con.close()
    assert KEY.encode() not in db.read_bytes()  # …but never written to the database
    assert KEY not in caplog.text and KEY not in result.output  # …nor to the logs


def test_unreachable_server_is_a_clear_error(db):
    result = CliRunner().invoke(app, ["extract", str(EXAMPLE), "--base-url", "http://127.0.0.1:9/v1",
                                      "--db", str(db)])
    assert result.exit_code == 1
    assert "cannot reach http://127.0.0.1:9/v1" in result.output and "Traceback" not in result.output
