"""The OpenAI Batch API: submit the pipeline's requests as a batch, collect the answers later.

Why through the pipeline and not beside it: an answer from a batch must go through the same
validation, salvage, grounding, support check and normalisation as a live one, and be stored under
the same run id. So `BatchAnswers` stands in for the live provider (same name, model and params,
hence the same run identity) and answers each request from the batch, matched by a hash of the
request the pipeline made. Submitting runs the pipeline until its first request and keeps that
request; collecting runs it again with the answers. A request the batch cannot answer (a re-ask
after an invalid answer, the next chunk of a long document, a failed line) is either sent live or
goes into a follow-up batch, as the user chooses. Everything is recorded in DuckDB (migration
005), so collecting twice stores nothing twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from extract.load import Document
from extract.pipeline import DocResult, Options, extract_document, run_info
from extract.providers.base import ConfigError, Provider, ProviderError, Reply
from extract.providers.transport import openai_client
from extract.redact import safe_url
from extract.store import GOOD, Store

ENDPOINT = "/v1/chat/completions"
THEN = ("batch", "live", "none")  # what happens to requests a batch could not answer
FINISHED = ("completed", "expired", "cancelled")  # no more answers will come; expired/cancelled keep partial output


class Pending(ProviderError):
    """The pipeline asked for something no batch has answered yet."""


def request_sha(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


class BatchAnswers:
    """The live provider's identity, the batch's answers. `asked` collects unanswered requests;
    with `live=True` they are sent to the live provider instead."""

    def __init__(self, provider: Provider, answers: dict[str, dict], live: bool = False) -> None:
        self.provider, self.answers, self.live = provider, answers, live
        self.name, self.model, self.capability = provider.name, provider.model, provider.capability
        self.asked: list[dict[str, Any]] = []

    def params(self) -> dict[str, Any]:
        return self.provider.params()

    def close(self) -> None:
        """The live provider belongs to the caller."""

    def raw_create(self, **request: Any) -> Reply:
        answer = self.answers.get(request_sha(request))
        if answer is not None:
            return Reply(ChatCompletion.model_validate(answer), 0.0)
        if self.live:
            return self.provider.raw_create(**request)
        self.asked.append(request)
        raise Pending("waiting for a batch answer")


def body(provider: Provider, request: dict[str, Any]) -> dict[str, Any]:
    """The request as the live provider would send it (its model and default temperature)."""
    out = {"model": provider.model, **request}
    if getattr(provider, "temperature", None) is not None:
        out.setdefault("temperature", provider.temperature)
    return out


def client_for(provider: Provider) -> openai.OpenAI:
    base_url = getattr(provider, "base_url", None)
    if provider.name not in ("openai", "openai-compatible"):
        raise ConfigError(f"the Batch API needs provider openai or openai-compatible, not {provider.name!r}")
    return openai_client(base_url, timeout=120, max_retries=2)


def settings_of(options: Options) -> dict[str, Any]:
    return dataclasses.asdict(options)


def options_from(settings: dict[str, Any]) -> Options:
    """Options as submitted (fields added since are left at their defaults)."""
    known = {f.name for f in dataclasses.fields(Options)}
    return Options(**{k: v for k, v in settings.items() if k in known})


@dataclass
class Submitted:
    batch_id: str | None
    requests: int = 0
    skipped: list[DocResult] = field(default_factory=list)  # stored already, or failed to load


def submit(docs: Iterable[Document | DocResult], provider: Provider, store: Store, options: Options,
           parent_id: str | None = None) -> Submitted:
    """Each document's first request (a stored run is skipped), as one batch; recorded in the store."""
    options = options.for_provider(provider)
    out, lines = Submitted(None), []
    for doc in docs:
        if isinstance(doc, DocResult):
            out.skipped.append(doc)
            continue
        run_id = run_info(doc, provider, options).run_id
        if not options.force and store.run_status(run_id) in GOOD:
            out.skipped.append(DocResult(doc.source, "skipped", doc, run_id))
            continue
        probe = BatchAnswers(provider, {})
        result = extract_document(doc, probe, None, options)  # stops at the first request (Pending)
        if not probe.asked:  # refused before any request (too long, say)
            out.skipped.append(result)
            continue
        store.add_document(doc)
        lines += [(run_id, doc.doc_id, request) for request in probe.asked]
    return _send(lines, provider, store, options, parent_id, out)


def _send(lines: list[tuple[str, str, dict]], provider: Provider, store: Store, options: Options,
          parent_id: str | None, out: Submitted) -> Submitted:
    if not lines:
        return out
    client = client_for(provider)
    entries = [(f"{run_id}-{request_sha(r)[:16]}", run_id, doc_id, request_sha(r), body(provider, r))
               for run_id, doc_id, r in lines]
    jsonl = "".join(json.dumps({"custom_id": cid, "method": "POST", "url": ENDPOINT, "body": b}) + "\n"
                    for cid, _, _, _, b in entries)
    try:
        uploaded = client.files.create(file=("sitrep-batch.jsonl", io.BytesIO(jsonl.encode())), purpose="batch")
        batch = client.batches.create(input_file_id=uploaded.id, endpoint=ENDPOINT, completion_window="24h",
                                      metadata={"tool": "sitrep"})
    except openai.APIError as exc:
        raise ProviderError(f"batch submit failed: {' '.join(str(exc).split())[:300]}") from exc
    with store.transaction():
        store.con.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                          [batch.id, parent_id, provider.name, provider.model,
                           safe_url(getattr(provider, "base_url", None)) or None, uploaded.id, batch.status,
                           len(entries), json.dumps(settings_of(options)), datetime.now()])
        store.con.executemany("INSERT INTO batch_requests (batch_id, custom_id, run_id, doc_id, request_sha, body) "
                              "VALUES (?, ?, ?, ?, ?, ?)",
                              [[batch.id, cid, run_id, doc_id, sha, json.dumps(b)]
                               for cid, run_id, doc_id, sha, b in entries])
    out.batch_id, out.requests = batch.id, len(entries)
    return out


@dataclass
class Collected:
    batch_id: str
    status: str  # the server's status; results are stored only once it is 'completed'
    stored: list[DocResult] = field(default_factory=list)
    already: int = 0  # runs stored before (an earlier collect, or a live run)
    waiting: int = 0  # documents with a request no batch has answered
    followup: str | None = None  # the follow-up batch, with --then batch


def collect(batch_id: str, provider: Provider, store: Store, then: str = "none") -> Collected:
    """Download the answers, run each document's pipeline on them, store finished runs."""
    if then not in THEN:
        raise ValueError(f"--then must be one of {', '.join(THEN)}, not {then!r}")
    row = store.con.execute("SELECT settings, submitted_at FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    if row is None:
        raise ValueError(f"no batch {batch_id!r} in this database; `sitrep batch status` lists them")
    options, submitted = options_from(json.loads(row[0])), row[1]
    client = client_for(provider)
    try:
        remote = client.batches.retrieve(batch_id)
        if remote.status in FINISHED:
            _save_answers(client, store, batch_id, remote.output_file_id, remote.error_file_id)
    except openai.APIError as exc:
        raise ProviderError(f"batch {batch_id}: {' '.join(str(exc).split())[:300]}") from exc
    out = Collected(batch_id, remote.status)
    if remote.status not in FINISHED:
        store.con.execute("UPDATE batches SET status = ? WHERE batch_id = ?", [remote.status, batch_id])
        return out
    followups: list[tuple[str, str, dict]] = []
    for run_id, doc in _documents(store, batch_id):
        if _stored(store, run_id, submitted if options.force else None):
            out.already += 1
            continue
        answers = _answers(store, run_id)
        replay = BatchAnswers(provider, answers, live=then == "live")
        result = extract_document(doc, replay, None, options)
        if replay.asked:
            out.waiting += 1
            followups += [(run_id, doc.doc_id, request) for request in replay.asked if request_sha(request)
                           not in _asked(store, run_id)]
            continue
        run = run_info(doc, replay, options)
        table_rows = result.table_rows()
        store.write_run(doc, run, result.usage, table_rows, result.status, result.error)
        out.stored.append(result)
    store.con.execute("UPDATE batches SET status = 'collected', collected_at = ? WHERE batch_id = ?",
                      [datetime.now(), batch_id])
    if then == "batch" and followups:
        out.followup = _send(followups, provider, store, options, batch_id, Submitted(None)).batch_id
    return out


def _stored(store: Store, run_id: str, since: datetime | None) -> bool:
    """A good result is stored (with --force: stored since the batch was submitted)."""
    found = store.con.execute("SELECT finished_at FROM runs WHERE run_id = ? AND status IN ('ok', 'partial')",
                              [run_id]).fetchone()
    return found is not None and (since is None or found[0] >= since)


def _save_answers(client: openai.OpenAI, store: Store, batch_id: str, output: str | None, errors: str | None) -> None:
    """Each output line's completion (or error) onto its request row; saving again changes nothing."""
    for file_id in (f for f in (output, errors) if f):
        for line in client.files.content(file_id).text.splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            response = item.get("response") or {}
            if response.get("status_code") == 200:
                store.con.execute("UPDATE batch_requests SET answer = ?, error = NULL WHERE batch_id = ? "
                                  "AND custom_id = ?", [json.dumps(response["body"]), batch_id, item["custom_id"]])
            else:
                error = item.get("error") or response.get("body") or {"status": response.get("status_code")}
                store.con.execute("UPDATE batch_requests SET error = ? WHERE batch_id = ? AND custom_id = ? "
                                  "AND answer IS NULL", [json.dumps(error)[:500], batch_id, item["custom_id"]])


def _documents(store: Store, batch_id: str) -> list[tuple[str, Document]]:
    found = store.con.execute(
        "SELECT DISTINCT r.run_id, d.text, d.sha256, d.source, d.language, d.published, d.title "
        "FROM batch_requests r JOIN documents d USING (doc_id) WHERE r.batch_id = ? ORDER BY r.run_id",
        [batch_id]).fetchall()
    return [(run_id, Document(text, sha, source, language, published, title))
            for run_id, text, sha, source, language, published, title in found]


def _answers(store: Store, run_id: str) -> dict[str, dict]:
    """Every answer any batch brought for this run (a follow-up answers the later requests)."""
    found = store.con.execute("SELECT request_sha, answer FROM batch_requests WHERE run_id = ? AND answer IS NOT NULL",
                              [run_id]).fetchall()
    return {sha: json.loads(answer) for sha, answer in found}


def _asked(store: Store, run_id: str) -> set[str]:
    """Requests already in a batch that has not answered them: not sent twice."""
    found = store.con.execute("SELECT request_sha FROM batch_requests r JOIN batches b USING (batch_id) "
                              "WHERE r.run_id = ? AND r.answer IS NULL AND r.error IS NULL "
                              "AND b.status NOT IN ('collected', 'failed', 'expired', 'cancelled')",
                              [run_id]).fetchall()
    return {sha for (sha,) in found}


def listing(store: Store, batch_id: str | None = None) -> tuple[list[str], list[tuple]]:
    """Batches as recorded: requests, answers, errors, documents stored."""
    where = "WHERE b.batch_id = ?" if batch_id else ""
    return store.query(
        "SELECT b.batch_id, b.parent_id, b.model, b.status, b.requests, "
        "count(r.answer) AS answered, count(r.error) AS errors, "
        "(SELECT count(DISTINCT q.run_id) FROM batch_requests q JOIN runs USING (run_id) "
        " WHERE q.batch_id = b.batch_id) AS stored, b.submitted_at, b.collected_at "
        f"FROM batches b LEFT JOIN batch_requests r USING (batch_id) {where} "
        "GROUP BY ALL ORDER BY b.submitted_at DESC", [batch_id] if batch_id else [])
