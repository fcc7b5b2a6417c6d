"""An OpenAI Files + Batches stub on 127.0.0.1: upload a JSONL, create a batch, retrieve it, download output.

A batch stays `in_progress` until the test calls `finish()`, which answers every request line with
`answer(body)` (default: the stub server's grounded ANSWER, as content or a tool call) unless the
line's custom_id is in `fail_ids` (an error line). `answer` can be replaced; /chat/completions
answers live with the same function.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.stub_server import ANSWER, _message


def default_answer(body: dict[str, Any]) -> str:
    return json.dumps(ANSWER)


def completion(body: dict[str, Any], answer: Callable[[dict[str, Any]], str], n: int) -> dict[str, Any]:
    return {"id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()), "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "message": _message(body, answer(body))}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}}


class BatchStub:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.answer: Callable[[dict[str, Any]], str] = default_answer
        self.fail_ids: set[str] = set()
        self.calls: list[str] = []
        self.live = 0  # chat completions answered directly
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        # shutdown() waits for the serving loop's next poll: at the default 0.5 s, every test with
        # a stub paid half a second at teardown (a third of the fast suite's wall time)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> BatchStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def lines(self, batch_id: str) -> list[dict[str, Any]]:
        """The request lines a batch was created with."""
        data = self.files[self.batches[batch_id]["input_file_id"]].decode()
        return [json.loads(line) for line in data.splitlines() if line.strip()]

    def finish(self, batch_id: str | None = None) -> None:
        """Answer every line of the batch (the newest when none is named) and mark it completed."""
        batch_id = batch_id or list(self.batches)[-1]
        out, errors = [], []
        for n, line in enumerate(self.lines(batch_id)):
            if line["custom_id"] in self.fail_ids:
                errors.append({"id": f"req_{n}", "custom_id": line["custom_id"], "response": None,
                               "error": {"code": "server_error", "message": "stub failure"}})
                continue
            out.append({"id": f"req_{n}", "custom_id": line["custom_id"], "error": None,
                        "response": {"status_code": 200, "request_id": f"r{n}",
                                     "body": completion(line["body"], self.answer, n)}})
        batch = self.batches[batch_id]
        batch["output_file_id"] = self._add_file("".join(json.dumps(x) + "\n" for x in out).encode())
        batch["error_file_id"] = self._add_file("".join(json.dumps(x) + "\n" for x in errors).encode()) \
            if errors else None
        batch["status"] = "completed"
        batch["request_counts"] = {"total": len(out) + len(errors), "completed": len(out), "failed": len(errors)}

    def _add_file(self, data: bytes) -> str:
        with self._lock:
            file_id = f"file-{len(self.files) + 1}"
            self.files[file_id] = data
        return file_id


def _handler(stub: BatchStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            stub.calls.append(f"POST {self.path}")
            if self.path.endswith("/files"):
                message = BytesParser(policy=HTTP).parsebytes(
                    f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + raw)
                data = next(p.get_payload(decode=True) for p in message.iter_parts()
                            if p.get_param("name", header="content-disposition") == "file")
                file_id = stub._add_file(data)
                return self._json({"id": file_id, "object": "file", "bytes": len(data), "created_at": 0,
                                   "filename": "batch.jsonl", "purpose": "batch", "status": "processed"})
            if self.path.endswith("/chat/completions"):  # the same answers live, for comparison and --then live
                stub.live += 1
                return self._json(completion(json.loads(raw), stub.answer, stub.live))
            if self.path.endswith("/batches"):
                body = json.loads(raw)
                batch_id = f"batch_{len(stub.batches) + 1}"
                stub.batches[batch_id] = {
                    "id": batch_id, "object": "batch", "endpoint": body["endpoint"], "errors": None,
                    "input_file_id": body["input_file_id"], "completion_window": body["completion_window"],
                    "status": "in_progress", "output_file_id": None, "error_file_id": None, "created_at": 0,
                    "request_counts": {"total": 0, "completed": 0, "failed": 0}, "metadata": body.get("metadata")}
                return self._json(stub.batches[batch_id])
            return self._json({"error": {"message": "not found"}}, 404)

        def do_GET(self) -> None:  # noqa: N802
            stub.calls.append(f"GET {self.path}")
            parts = self.path.split("/")
            if "batches" in parts and parts[-1] in stub.batches:
                return self._json(stub.batches[parts[-1]])
            if parts[-1] == "content" and parts[-2] in stub.files:
                return self._send(200, stub.files[parts[-2]], "application/octet-stream")
            return self._json({"error": {"message": "not found"}}, 404)

        def _json(self, obj: Any, status: int = 200) -> None:
            self._send(status, json.dumps(obj).encode(), "application/json")

        def _send(self, status: int, data: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler
