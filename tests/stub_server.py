"""An OpenAI-compatible /v1/chat/completions server that misbehaves on purpose, for fault tests.

Bound to 127.0.0.1 on a free port, served from a thread of the test process (so a `sitrep`
subprocess can use it too), stopped by the fixture. Latencies are milliseconds by default.

Use (the `stub` fixture in tests/conftest.py yields a started StubServer):

    def test_x(stub):
        stub.behaviour = "http500"              # every request from now on
        stub.script("http429", "valid")         # the next two requests, then `behaviour` again
        stub.when("Report number 1", "http500")  # requests whose user messages contain this text
        run(["sitrep", "extract", f, "--base-url", stub.url])
        assert stub.requests == 2               # requests received so far
        stub.received[-1]["headers"]["Authorization"]; stub.received[-1]["body"]["messages"]

Behaviours (BEHAVIOURS): valid, malformed (broken JSON), truncated (cut JSON, finish_reason
length), schema_invalid (JSON that fails the pydantic schema), ungrounded (valid, quotes not in
the article), huge (a 1 MB role and 500 more actors), slow (valid after `delay_s`),
hang (no answer for `hang_s` or until stop), http500, http429 (Retry-After: `retry_after`),
http401, html (200 with an HTML body), empty_choices (200 with choices: []), echo_auth (400
whose error message repeats the Authorization header). A request carrying `tools` (instructor's
TOOLS mode, the `openai` provider) gets its answer as a tool call, otherwise as message content.

Articles the valid answer is grounded in: `article(n)` (distinct text, so distinct doc ids).
Standalone: `python tests/stub_server.py [behaviour]` prints the URL and serves until killed.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BEHAVIOURS = ("valid", "malformed", "truncated", "schema_invalid", "ungrounded", "huge", "slow", "hang",
              "http500", "http429", "http401", "html", "empty_choices", "echo_auth")

ARTICLE = ("Minsk, 3 May 2024. Russia has delivered 12 S-400 launchers to Belarus, the Belarusian "
           "defence ministry said on Friday.\n")
_QUOTE = "Russia has delivered 12 S-400 launchers to Belarus"
ANSWER: dict[str, Any] = {
    "actors": [
        {"evidence": [_QUOTE], "name": "Russia", "kind": "state", "country": "RUS", "confidence": 0.9},
        {"evidence": [_QUOTE], "name": "Belarus", "kind": "state", "country": "BLR", "confidence": 0.9},
    ],
    "transfers": [
        {"evidence": [_QUOTE], "supplier": "Russia", "recipient": "Belarus",
         "weapon": {"name": "S-400", "category": "air_defence"}, "quantity": {"min": 12, "max": 12, "text": "12"},
         "status": "delivered", "certainty": "confirmed", "when": {"start": "2024-05", "end": None},
         "confidence": 0.9},
    ],
    "meetings": [],
    "deployments": [],
}


def article(n: int = 0, extra: str = "") -> str:
    """A distinct article (its own doc id) that ANSWER is grounded in."""
    return f"{ARTICLE}Report number {n}. {extra}".rstrip() + "\n"


def _content(behaviour: str, answer: dict[str, Any]) -> tuple[str, str]:
    """Message content and finish_reason for the behaviours that answer with HTTP 200."""
    if behaviour == "malformed":
        return '{"actors": [{"name": "Russia", "kind": "state",, }', "stop"
    if behaviour == "truncated":
        return json.dumps(answer)[:60], "length"
    if behaviour == "schema_invalid":
        return json.dumps({"actors": [{"name": 42, "kind": "planet", "evidence": []}], "transfers": "many"}), "stop"
    if behaviour == "ungrounded":
        bad = json.loads(json.dumps(answer))
        for records in bad.values():
            for record in records:
                record["evidence"] = ["a sentence the article never contained at all"]
        return json.dumps(bad), "stop"
    if behaviour == "huge":  # a 1 MB string and 500 list items
        actors = [{"evidence": [_QUOTE], "name": "Russia", "kind": "state", "role": "x" * 1_000_000}]
        actors += [{"evidence": [_QUOTE], "name": f"Russia {i}", "kind": "state"} for i in range(500)]
        return json.dumps({**answer, "actors": [*answer["actors"], *actors]}), "stop"
    return json.dumps(answer), "stop"


class StubServer:
    """The server and its switches; see the module docstring."""

    def __init__(self, behaviour: str = "valid") -> None:
        self._behaviour = _check(behaviour)
        self.answer: dict[str, Any] = ANSWER
        self.delay_s = 0.05  # `slow`
        self.hang_s = 30.0  # `hang`: longest a request blocks (stop() ends it sooner)
        self.retry_after = "1"  # `http429`: the Retry-After header value
        self.received: list[dict[str, Any]] = []
        self.in_flight = self.max_in_flight = 0  # concurrent requests now / at most (for --jobs tests)
        self._script: deque[str] = deque()
        self._when: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        # shutdown() waits for the serving loop's next poll: at the default 0.5 s, every test with
        # a stub paid half a second at teardown (a third of the fast suite's wall time)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def behaviour(self) -> str:
        """What every request gets once the script is used up."""
        return self._behaviour

    @behaviour.setter
    def behaviour(self, value: str) -> None:
        self._behaviour = _check(value)

    @property
    def url(self) -> str:
        """Base URL for --base-url / OPENAI_BASE_URL."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    @property
    def requests(self) -> int:
        """Chat requests received since start (or the last reset())."""
        with self._lock:
            return len(self.received)

    def script(self, *behaviours: str) -> None:
        """The next requests get these behaviours, in order; then `behaviour` again."""
        for b in behaviours:
            _check(b)
        with self._lock:
            self._script.extend(behaviours)

    def when(self, text: str, behaviour: str) -> None:
        """Requests whose user messages contain `text` (the document's own text, re-asks included) get
        `behaviour` (before script and default): one document of a batch misbehaves, the others do not."""
        with self._lock:
            self._when[text] = _check(behaviour)

    def count(self, text: str) -> int:
        """Requests received whose user messages contain `text`."""
        with self._lock:
            return sum(text in _user_text(r["body"]) for r in self.received)

    def reset(self, behaviour: str = "valid") -> None:
        with self._lock:
            self.received.clear()
            self._script.clear()
            self._when.clear()
        self.behaviour, self.answer = behaviour, ANSWER

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _enter(self, step: int) -> None:
        with self._lock:
            self.in_flight += step
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _next(self, record: dict[str, Any]) -> str:
        with self._lock:
            self.received.append(record)
            user = _user_text(record["body"])
            chosen = next((b for text, b in self._when.items() if text in user), None)
            behaviour = chosen or (self._script.popleft() if self._script else self.behaviour)
        return _check(behaviour)


def _user_text(body: dict[str, Any]) -> str:
    """Every user message of the request (a re-ask carries the article in an earlier turn)."""
    return "\n".join(m["content"] for m in body.get("messages") or []
                     if m.get("role") == "user" and isinstance(m.get("content"), str))


def _check(behaviour: str) -> str:
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"unknown stub behaviour {behaviour!r}; one of {', '.join(BEHAVIOURS)}")
    return behaviour


def _handler(stub: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body are two writes: with Nagle's algorithm the body waited for the client's
        # delayed ACK, 40 ms on every answer (benchmarks/throughput.py measured the stub, not sitrep).
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            behaviour = stub._next({"path": self.path, "headers": dict(self.headers), "body": body})
            stub._enter(+1)
            try:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    self._answer(behaviour, body)
            finally:
                stub._enter(-1)

        def _answer(self, behaviour: str, body: dict[str, Any]) -> None:
            if behaviour == "slow":
                time.sleep(stub.delay_s)
            if behaviour == "hang":
                stub._stop.wait(stub.hang_s)
                return self._send(504, b'{"error": {"message": "hung"}}')
            if behaviour == "http500":
                return self._send(500, b'{"error": {"message": "internal server error", "type": "server_error"}}')
            if behaviour == "http429":
                return self._send(429, b'{"error": {"message": "rate limited", "type": "rate_limit"}}',
                                  {"Retry-After": stub.retry_after})
            if behaviour == "http401":
                return self._send(401, b'{"error": {"message": "invalid api key", "type": "auth"}}')
            if behaviour == "echo_auth":
                echoed = f"bad request; you sent Authorization: {self.headers.get('Authorization', '')}"
                return self._send(400, json.dumps({"error": {"message": echoed}}).encode())
            if behaviour == "html":
                return self._send(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", ctype="text/html")
            reply: dict[str, Any] = {"id": "stub", "object": "chat.completion", "created": int(time.time()),
                                     "model": body.get("model", "stub"), "choices": [],
                                     "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}}
            if behaviour != "empty_choices":
                content, finish = _content(behaviour, stub.answer)
                reply["choices"] = [{"index": 0, "finish_reason": finish, "message": _message(body, content)}]
            return self._send(200, json.dumps(reply).encode())

        def _send(self, status: int, data: bytes, headers: dict[str, str] | None = None,
                  ctype: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _message(body: dict[str, Any], content: str) -> dict[str, Any]:
    """Content, or a tool call when the request offered tools (instructor's TOOLS mode)."""
    tools = body.get("tools") or []
    if not tools:
        return {"role": "assistant", "content": content}
    name = tools[0].get("function", {}).get("name", "answer")
    return {"role": "assistant", "content": None,
            "tool_calls": [{"id": "call_stub", "type": "function", "function": {"name": name, "arguments": content}}]}


if __name__ == "__main__":
    server = StubServer(sys.argv[1] if len(sys.argv) > 1 else "valid").start()
    print(server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
