"""Reports: rich terminal tables, one self-contained HTML file (jinja2, inline SVG), JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader
from rich.console import Console
from rich.table import Table

from evals.persist import match_key
from evals.report_docs import attribute_errors, document_view
from evals.score import DocScore
from evals.summary import COLUMNS, EvalRun, Summary
from schemas import kinds

if TYPE_CHECKING:
    from evals.agreement import Agreement


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def errors_of(docs: list[DocScore], limit: int = 40) -> list[dict[str, Any]]:
    """False positives and negatives with their evidence, for reading what went wrong."""
    out = []
    for d in docs:
        for kind, result in d.results.items():
            for p in result.pairs:
                if p.outcome in {"fp", "fn"}:
                    record = p.pred.record if p.outcome == "fp" else p.gold
                    out.append({"doc": d.doc_id, "type": kind, "outcome": p.outcome.upper(),
                                "record": match_key(kind, record), "evidence": " | ".join(record.evidence)[:300],
                                "confidence": p.pred.confidence if p.pred else None})
    return out[:limit]


def terminal(console: Console, run: EvalRun) -> None:
    summary, meta, docs = run.summary, run.meta, run.docs
    console.print(f"[bold]eval[/] {meta.gold_dir} · {meta.provider}:{meta.model} · "
                  f"prompt {meta.prompt_version or '–'} · {summary.documents} documents", highlight=False)
    t = Table(title="F1 per record type", title_justify="left")
    t.add_column("mode")
    for c in COLUMNS:
        t.add_column(c, justify="right")
    for mode, scores in (("strict", summary.strict), ("lenient", summary.lenient)):
        t.add_row(mode, *(_f(scores[c].f1) for c in COLUMNS))
    t.add_row("P (strict)", *(_f(summary.strict[c].precision) for c in COLUMNS))
    t.add_row("R (strict)", *(_f(summary.strict[c].recall) for c in COLUMNS))
    if run.ceiling:
        t.add_row("agreement", *(_f(run.ceiling.get(c)) for c in COLUMNS))
    console.print(t)
    ci, spread = summary.f1_ci95, summary.repeats_f1
    extra = f" ± {spread.sd:.3f} over {spread.n} runs" if spread else ""
    console.print(f"micro F1 {_f(summary.f1['micro'])}{extra}"
                  + (f" (95 % bootstrap {ci[0]:.3f}–{ci[1]:.3f})" if ci else "")
                  + f" · macro F1 {_f(summary.macro_f1)} · grounding {_f(summary.grounding_rate)}"
                  + f" · schema-valid {_f(summary.schema_valid_rate)} · Brier {_f(summary.brier)}"
                  + f" · ECE {_f(summary.ece)} · {summary.seconds_per_doc:.1f} s/doc"
                  + f" · {summary.tokens_per_doc:.0f} tokens/doc", highlight=False)
    _failed(console, summary)
    if summary.attributes:
        a = Table(title="attribute accuracy on matched pairs", title_justify="left")
        for c in ("attribute", "accuracy", "n"):
            a.add_column(c)
        for name, v in summary.attributes.items():
            a.add_row(name, _f(v.accuracy), str(v.n))
        console.print(a)
    worst = sorted(docs, key=lambda d: d.f1())[:5]
    w = Table(title="worst documents", title_justify="left")
    for c in ("document", "F1", "status", "seconds", "error"):
        w.add_column(c)
    for d in worst:
        w.add_row(d.doc_id, _f(d.f1()), d.status, f"{d.seconds:.1f}", (d.error or "")[:80])
    console.print(w)
    errs = errors_of(docs)
    if errs:
        e = Table(title="false positives / negatives", title_justify="left")
        for c in ("doc", "type", "", "record", "evidence"):
            e.add_column(c, overflow="fold")
        for x in errs:
            e.add_row(x["doc"], x["type"], x["outcome"], x["record"], x["evidence"])
        console.print(e)


def _failed(console: Console, summary: Summary) -> None:
    """Failed documents, loud: a broken setup must not read as a bad model."""
    if not summary.failed:
        return
    f = Table(title=f"[red]failed documents: {len(summary.failed)} of {summary.documents}[/] "
                    "(their gold counts as missed; F1 0 each)", title_justify="left")
    for c in ("document", "error"):
        f.add_column(c, overflow="fold")
    for x in summary.failed:
        f.add_row(x.doc_id, (x.error or "")[:200])
    console.print(f)


def agreement_terminal(console: Console, result: Agreement) -> None:
    meta, forward, reverse = result.meta, result.forward.summary, result.reverse
    console.print(f"[bold]agreement[/] A {meta.gold_dir} · B {meta.model} · {forward.documents} shared documents",
                  highlight=False)
    t = Table(title="F1 per record type", title_justify="left")
    t.add_column("")
    for c in COLUMNS:
        t.add_column(c, justify="right")
    for label, scores in (("B vs A strict", forward.strict), ("B vs A lenient", forward.lenient),
                          ("A vs B strict (reverse)", reverse.strict)):
        t.add_row(label, *(_f(scores[c].f1) for c in COLUMNS))
    console.print(t)
    console.print(f"micro F1 {_f(forward.f1['micro'])} · macro F1 {_f(forward.macro_f1)} · "
                  + " · ".join(f"kappa {k} {_f(v)} ({result.kappa_n[k]} pairs)" for k, v in result.kappa.items()),
                  highlight=False)
    if not result.only_in_a + result.only_in_b:
        console.print("records one side lacks: none")
        _unshared(console, result)
        return
    lacking = Table(title=f"records one side lacks ({len(result.only_in_a)} only in A, "
                          f"{len(result.only_in_b)} only in B)", title_justify="left")
    for c in ("side", "doc", "type", "record"):
        lacking.add_column(c, overflow="fold")
    for x in (result.only_in_a + result.only_in_b)[:60]:
        lacking.add_row(x["side"], x["doc"], x["type"], x["record"])
    console.print(lacking)
    _unshared(console, result)


def _unshared(console: Console, result: Agreement) -> None:
    for side, ids in result.unshared.items():
        if ids:
            console.print(f"only in {side.upper()} (not scored): {', '.join(ids)}", highlight=False)


def write_json(path: Path, run: EvalRun) -> None:
    path.write_text(json.dumps(run.to_json(), indent=1, default=str), encoding="utf-8")


def write_html(path: Path, run: EvalRun, agreement: Agreement | None = None) -> None:
    # Always escape: select_autoescape() keys on the extension and said no to `report.html.j2`, so
    # article text and model output (`<script>`, `<img onerror>`) reached the page raw.
    env = Environment(loader=PackageLoader("evals", "templates"), autoescape=True)
    html = env.get_template("report.html.j2").render(
        s=run.summary, meta=run.meta, ceiling=run.ceiling, docs=sorted(run.docs, key=lambda d: d.f1()),
        columns=COLUMNS, types=kinds.names(), errors=errors_of(run.docs, limit=200), fmt=_f, agreement=agreement,
        attribute_errors=attribute_errors(run.docs), views=[document_view(d) for d in run.docs])
    path.write_text(html, encoding="utf-8")
