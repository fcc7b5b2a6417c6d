"""Side by side with LangExtract, the closest peer, on the same embedded model.

    pip install -e '.[peers]'
    flock /tmp/sitrep-model.lock python benchmarks/peers/langextract.py [--gold evals/gold]
        [--ids ID,ID | --limit N] [--out DIR] [--sitrep-predictions DIR] [--sitrep-json EVAL.json]

Starts llama.cpp's own OpenAI-compatible server (`python -m llama_cpp.server`) with sitrep's
embedded GGUF on 127.0.0.1, runs LangExtract with one worked example written for this script
over the gold documents, converts its extractions to gold/1 prediction files, scores them with
`run_eval(..., predictions=...)` (the same scorer as `sitrep eval --predictions`), stops the
server and prints F1 per type, grounding, seconds and output tokens per article. sitrep's own
figures on the same documents come from its predictions (`--sitrep-predictions`, gold/1 files
of its stored runs) and a `sitrep eval --json` file (`--sitrep-json`, for seconds and tokens).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# run as a script, this file's folder comes first on sys.path and `import langextract` would find
# this file itself rather than the package
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

from evals.dataset import Sample, load_dataset  # noqa: E402
from evals.run import run_eval  # noqa: E402
from evals.summary import COLUMNS, Summary  # noqa: E402
from extract.store import Store  # noqa: E402
from schemas.gold import GoldActor, GoldDeployment, GoldMeeting, GoldTransfer  # noqa: E402
from schemas.records import actor_index, name_key  # noqa: E402

PROMPT = """Extract, in order of appearance, from a defence or foreign-affairs article:
- actor: every state, government body, armed force, armed group, person, company or international
  organisation taking part in a transfer, meeting or deployment, or making a claim about one.
  Attributes: name (canonical English name), kind (state, government_body, armed_forces,
  armed_group, person, company, international_org, other), country (ISO 3166-1 alpha-3 or "").
- transfer: weapons, munitions, military equipment or technology passing from a supplier to a
  recipient. Attributes: supplier, recipient (actor names), weapon, category (aircraft, drone,
  air_defence, armoured_vehicle, artillery, ammunition, missile, ship, naval_weapon, small_arms,
  sensor, engine, technology, other), status (proposed, negotiating, agreed, delivering,
  delivered, cancelled, unknown), certainty (confirmed, reported, alleged, denied), quantity.
- meeting: leaders or officials meeting. Attributes: participants (actor names), place, country,
  date (YYYY, YYYY-MM or YYYY-MM-DD), format (summit, bilateral, multilateral, visit, call,
  other), certainty.
- deployment: armed forces sent to fight or serve with another party. Attributes: sender, host
  (actor names), forces, size, certainty.
Use the exact words of the text for each extraction; do not paraphrase."""

# One worked example written for this benchmark (not taken from any gold set).
EXAMPLE_TEXT = ("Minsk, 4 March 2024. Belarus has received a second batch of Su-30SM2 fighter jets from "
                "Russia, the Belarusian defence ministry said. President Alexander Lukashenko met Vladimir "
                "Putin in Sochi on 1 March to discuss the Union State. Western officials said some 500 Wagner "
                "fighters had been sent to Belarus to train its army, a claim Minsk denied.")
EXAMPLE = [
    ("actor", "Belarus", {"name": "Belarus", "kind": "state", "country": "BLR"}),
    ("transfer", "Belarus has received a second batch of Su-30SM2 fighter jets from Russia",
     {"supplier": "Russia", "recipient": "Belarus", "weapon": "Su-30SM2", "category": "aircraft",
      "status": "delivered", "certainty": "confirmed", "quantity": ""}),
    ("actor", "Russia", {"name": "Russia", "kind": "state", "country": "RUS"}),
    ("actor", "Belarusian defence ministry",
     {"name": "Ministry of Defence of Belarus", "kind": "government_body", "country": "BLR"}),
    ("actor", "Alexander Lukashenko", {"name": "Alexander Lukashenko", "kind": "person", "country": "BLR"}),
    ("meeting", "Alexander Lukashenko met Vladimir Putin in Sochi on 1 March",
     {"participants": ["Alexander Lukashenko", "Vladimir Putin"], "place": "Sochi", "country": "RUS",
      "date": "2024-03-01", "format": "bilateral", "certainty": "confirmed"}),
    ("actor", "Vladimir Putin", {"name": "Vladimir Putin", "kind": "person", "country": "RUS"}),
    ("actor", "Wagner", {"name": "Wagner Group", "kind": "armed_group", "country": "RUS"}),
    ("deployment", "some 500 Wagner fighters had been sent to Belarus",
     {"sender": "Wagner Group", "host": "Belarus", "forces": "Wagner fighters", "size": "500",
      "certainty": "denied"}),
]


# --- conversion to gold/1 (pure; tested offline) ----------------------------------------------------
def _text(value: Any) -> str:
    return (" ".join(value) if isinstance(value, list) else str(value or "")).strip()


def _number(value: Any) -> int | None:
    digits = "".join(c for c in _text(value) if c.isdigit())
    return int(digits) if digits and len(digits) < 10 else None


def _range(value: Any) -> dict[str, Any] | None:
    n = _number(value)
    return None if n is None else {"min": n, "max": n, "text": _text(value)}


def _actor(text: str, a: dict[str, Any]) -> dict[str, Any]:
    country = _text(a.get("country")).upper()
    name = _text(a.get("name")) or text
    return {"name": name, "aliases": [text] if text != name else [], "kind": _text(a.get("kind")) or "other",
            "country": country if len(country) == 3 and country.isalpha() else None, "evidence": [text]}


def _event(cls: str, text: str, a: dict[str, Any]) -> dict[str, Any]:
    base = {"evidence": [text], "certainty": _text(a.get("certainty")) or "reported"}
    if cls == "transfer":
        return {**base, "supplier": _text(a.get("supplier")), "recipient": _text(a.get("recipient")),
                "weapon": {"name": _text(a.get("weapon")) or text, "category": _text(a.get("category")) or "other"},
                "status": _text(a.get("status")) or "unknown", "quantity": _range(a.get("quantity"))}
    if cls == "meeting":
        people = a.get("participants") or []
        people = people if isinstance(people, list) else [p.strip() for p in str(people).split(",")]
        return {**base, "participants": [p for p in people if p],
                "location": {"place": _text(a.get("place")) or None, "country": _actor("", a)["country"]},
                "when": {"start": _text(a.get("date")) or None}, "format": _text(a.get("format")) or "other"}
    return {**base, "sender": _text(a.get("sender")), "host": _text(a.get("host")),
            "forces": _text(a.get("forces")) or text, "size": _range(a.get("size"))}


MODELS = {"actor": ("actors", GoldActor), "transfer": ("transfers", GoldTransfer),
          "meeting": ("meetings", GoldMeeting), "deployment": ("deployments", GoldDeployment)}
ROLES = {"transfers": ("supplier", "recipient"), "meetings": ("participants",), "deployments": ("sender", "host")}


def to_gold(doc_id: str, extractions: list[tuple[str, str, dict[str, Any]]]) -> tuple[dict[str, Any], list[str]]:
    """LangExtract's (class, text, attributes) as one gold/1 prediction file. Records the schema
    rejects, and events whose parties are no extracted actor, are left out and named."""
    out: dict[str, list[Any]] = {k: [] for k, _ in MODELS.values()}
    dropped: list[str] = []
    for cls, text, attrs in extractions:
        if cls not in MODELS:
            dropped.append(f"{cls}: unknown class")
            continue
        kind, model = MODELS[cls]
        raw = _actor(text, attrs) if cls == "actor" else _event(cls, text, attrs)
        try:
            out[kind].append(model.model_validate(raw))
        except ValueError as exc:
            dropped.append(f"{cls} {text[:60]!r}: {str(exc).splitlines()[0]}")
    index = actor_index(out["actors"])
    for kind, fields in ROLES.items():
        kept = []
        for record in out[kind]:
            values = [v for f in fields for v in (getattr(record, f) if f == "participants" else [getattr(record, f)])]
            if all(name_key(v) in index for v in values):
                kept.append(record)
            else:
                quote = record.evidence[0][:60] if record.evidence else ""
                dropped.append(f"{kind[:-1]} {quote!r}: a party is no extracted actor")
        out[kind] = kept
    doc = {"format": "gold/1", "document": {"id": doc_id, "text_file": f"{doc_id}.txt"},
           **{k: [json.loads(r.model_dump_json(exclude_defaults=True)) for r in v] for k, v in out.items()}}
    return doc, dropped


# --- the run ------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(gguf: Path, port: int, n_ctx: int) -> subprocess.Popen:
    """llama.cpp's own OpenAI-compatible server, on 127.0.0.1 only; ready when /v1/models answers."""
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", str(n_ctx), "--model_alias", "sitrep-local",
                             # as sitrep's embedded provider: every core, batches of 512
                             "--n_threads", str(os.cpu_count() or 2), "--n_batch", "512"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=5):
                return proc
        except OSError:
            time.sleep(2)
    proc.terminate()
    raise RuntimeError("llama_cpp.server did not answer in 300 s")


def langextract_model(base_url: str) -> tuple[Any, list[int]]:
    """LangExtract's OpenAI provider pointed at the local server; completion tokens are counted."""
    from langextract.providers.openai import OpenAILanguageModel

    model = OpenAILanguageModel(model_id="sitrep-local", api_key="local", base_url=base_url, temperature=0.0,
                                max_workers=1, max_output_tokens=2048)
    tokens: list[int] = []
    create = model._client.chat.completions.create

    def counted(**kwargs: Any) -> Any:
        response = create(**kwargs)
        tokens.append(getattr(response.usage, "completion_tokens", 0) or 0)
        return response

    model._client.chat.completions.create = counted
    return model, tokens


def extract_one(model: Any, text: str, chunk_chars: int) -> list[tuple[str, str, dict[str, Any]]]:
    import langextract as lx

    examples = [lx.data.ExampleData(text=EXAMPLE_TEXT, extractions=[
        lx.data.Extraction(extraction_class=c, extraction_text=t, attributes=a) for c, t, a in EXAMPLE])]
    result = lx.extract(text_or_documents=text, prompt_description=PROMPT, examples=examples, model=model,
                        max_char_buffer=chunk_chars, batch_length=1, max_workers=1, use_schema_constraints=False,
                        show_progress=False)
    return [(e.extraction_class, e.extraction_text, dict(e.attributes or {})) for e in result.extractions]


def _subset(samples: list[Sample], ids: str | None, limit: int | None) -> list[Sample]:
    if ids:
        wanted = ids.split(",")
        return [s for s in samples if s.id in wanted]
    return samples[:limit] if limit else samples


def _gold_copy(samples: list[Sample], folder: Path) -> Path:
    """The chosen gold files and their texts, so the scorer sees exactly the subset."""
    folder.mkdir(parents=True, exist_ok=True)
    for s in samples:
        raw = json.loads(s.path.read_text(encoding="utf-8"))
        raw["document"]["text_file"] = str((s.path.parent / raw["document"]["text_file"]).resolve())
        (folder / s.path.name).write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return folder


def _row(label: str, s: Summary, seconds: float | None, tokens: float | None) -> str:
    f1 = " ".join(f"{s.strict[c].f1:>11.3f}" for c in COLUMNS)
    grounding = "–" if s.grounding_rate is None else f"{s.grounding_rate:.3f}"
    sec = "–" if seconds is None else f"{seconds:.0f}"
    tok = "–" if tokens is None else f"{tokens:.0f}"
    return f"{label:12} {f1} {grounding:>9} {sec:>7} {tok:>9}"


def _costs_file(out: Path) -> Path:
    """Per-article seconds and output tokens, beside (not inside) the predictions folder, so that
    runs over parts of the dev set add up to one table."""
    return out.parent / f"{out.name}-costs.jsonl"


def _peer_costs(out: Path, ids: list[str]) -> tuple[float | None, float | None]:
    """Mean seconds and output tokens per article over `ids`, the latest line per id winning."""
    path = _costs_file(out)
    if not path.exists():
        return None, None
    rows = {r["id"]: r for r in map(json.loads, path.read_text().splitlines()) if r["id"] in ids}
    if not rows:
        return None, None
    return (sum(r["seconds"] for r in rows.values()) / len(rows),
            sum(r["tokens"] for r in rows.values()) / len(rows))


def _sitrep_costs(path: Path | None, ids: list[str]) -> tuple[float | None, float | None]:
    if path is None:
        return None, None
    per_doc = {d["id"]: d for d in json.loads(path.read_text())["per_document"] if d["id"] in ids}
    if not per_doc:
        return None, None
    return (sum(d["seconds"] for d in per_doc.values()) / len(per_doc),
            sum(d["tokens"] for d in per_doc.values()) / len(per_doc))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, default=ROOT / "evals" / "gold")
    ap.add_argument("--ids", help="comma-separated document ids (default: all, or the first --limit)")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--out", type=Path, default=Path("langextract-predictions"))
    ap.add_argument("--chunk-chars", type=int, default=3000, help="LangExtract's max_char_buffer")
    ap.add_argument("--n-ctx", type=int, default=8192)
    ap.add_argument("--score-only", action="store_true", help="score the predictions already in --out; no model")
    ap.add_argument("--sitrep-predictions", type=Path, help="gold/1 files of sitrep's runs on the same documents")
    ap.add_argument("--sitrep-json", type=Path, help="`sitrep eval --json` output, for sitrep's s/article and tokens")
    args = ap.parse_args()
    samples = _subset(load_dataset(args.gold), args.ids, args.limit)
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.score_only:
        run_peer(samples, args.out, args.chunk_chars, args.n_ctx)
    _report(samples, args.out, args.sitrep_predictions, args.sitrep_json)


def run_peer(samples: list[Sample], out: Path, chunk_chars: int, n_ctx: int) -> None:
    """LangExtract over `samples` on the embedded model; one prediction file and one costs line each."""
    from extract import models as registry

    gguf = registry.ensure_model(registry.default_model())
    port = _free_port()
    server = start_server(gguf, port, n_ctx)
    try:
        model, tokens = langextract_model(f"http://127.0.0.1:{port}/v1")
        for s in samples:
            start, before = time.perf_counter(), sum(tokens)
            try:
                found = extract_one(model, s.text, chunk_chars)
            except Exception as exc:  # a peer's failure is a failed document, not a crashed benchmark
                print(f"{s.id}: LangExtract failed: {exc}", file=sys.stderr)
                found = None
            cost = {"id": s.id, "seconds": time.perf_counter() - start, "tokens": sum(tokens) - before}
            with _costs_file(out).open("a", encoding="utf-8") as f:
                f.write(json.dumps(cost) + "\n")
            if found is None:
                continue
            doc, dropped = to_gold(s.id, found)
            (out / f"{s.id}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"{s.id}: {len(found)} extractions, {len(dropped)} left out, {cost['seconds']:.0f} s, "
                  f"{cost['tokens']} tokens", file=sys.stderr, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _report(samples: list[Sample], out: Path, sitrep_predictions: Path | None, sitrep_json: Path | None) -> None:
    """Both systems scored by the same `run_eval` on the same documents, printed as one table."""
    with tempfile.TemporaryDirectory() as tmp:
        gold = _gold_copy(samples, Path(tmp) / "gold")
        with Store(Path(tmp) / "peers.duckdb") as store:
            peer = run_eval(gold, store, predictions=out)
            ours = run_eval(gold, store, predictions=sitrep_predictions) if sitrep_predictions else None
        shutil.rmtree(gold)
    ids = [s.id for s in samples]
    print(f"{len(samples)} documents: {', '.join(ids)}")
    print(f"{'':12} " + " ".join(f"{c:>11}" for c in COLUMNS) + f" {'grounding':>9} {'s/art':>7} {'out tok':>9}")
    if ours is not None:
        print(_row("sitrep", ours.summary, *_sitrep_costs(sitrep_json, ids)))
    print(_row("langextract", peer.summary, *_peer_costs(out, ids)))
    print(f"langextract failed documents: {len(peer.summary.failed)}")


if __name__ == "__main__":
    main()
