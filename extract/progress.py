"""One progress bar on stderr: done/total, documents per minute, ETA, tokens and estimated cost.

Why its own module: the bar must stay out of stdout (records and per-document lines stay
pipeable), and per-document lines must print above the bar rather than inside a stale copy of it.
Lines printed on stdout while stdout is the same terminal go through `above()`; when stdout is a
pipe it is left alone. Prices are data (prices.toml); an unknown model shows tokens only.
"""

from __future__ import annotations

import sys
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text


@dataclass(frozen=True)
class Price:
    input: float  # USD per million prompt tokens
    output: float  # USD per million completion tokens

    def cost(self, prompt_tokens: int, completion_tokens: int, discount: float = 1.0) -> float:
        return discount * (prompt_tokens * self.input + completion_tokens * self.output) / 1e6


def _prices() -> dict[str, Any]:
    return tomllib.loads(resources.files("extract").joinpath("prices.toml").read_text(encoding="utf-8"))


def price_for(model: str) -> Price | None:
    """The model's list price, or None when prices.toml does not know it."""
    entry = _prices().get("models", {}).get(model)
    return Price(entry["input"], entry["output"]) if entry else None


def batch_discount() -> float:
    return float(_prices().get("batch_discount", 1.0))


class _RateColumn(ProgressColumn):
    """Documents per minute and the time left at that rate."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        if not task.completed or elapsed <= 0:
            return Text("– docs/min", style="progress.data.speed")
        per_min = task.completed * 60 / elapsed
        text = f"{per_min:,.1f} docs/min"
        if task.total:
            left = (task.total - task.completed) * elapsed / task.completed
            text += f" · ETA {_clock(left)}"
        return Text(text, style="progress.data.speed")


class _UsageColumn(ProgressColumn):
    """Tokens so far and, for a priced model, the estimated cost."""

    def render(self, task: Task) -> Text:
        tokens = task.fields.get("tokens", 0)
        cost = task.fields.get("cost")
        return Text(f"{tokens:,} tokens" + ("" if cost is None else f" · ≈${cost:,.4f}"), style="progress.download")


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class RunProgress:
    """Context manager around rich's Progress; `advance(usage)` after each document, `print` for a
    line above the bar. Disabled (plain printing) when stderr is not a terminal."""

    def __init__(self, console: Console, total: int | None, model: str, discount: float = 1.0) -> None:
        self.console = console
        self.price = price_for(model)
        self.discount = discount
        self.prompt_tokens = self.completion_tokens = 0
        self.started = time.monotonic()
        self.stdout_is_terminal = sys.stdout.isatty()  # asked before the bar proxies sys.stdout
        self.done = 0
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                            _UsageColumn(), console=console, disable=not console.is_terminal, transient=False,
                            redirect_stdout=self.stdout_is_terminal, redirect_stderr=True)
        self.task = self.bar.add_task("extracting", total=total, tokens=0, cost=self._cost())

    def _cost(self) -> float | None:
        return self.price.cost(self.prompt_tokens, self.completion_tokens, self.discount) if self.price else None

    @property
    def cost(self) -> float | None:
        return self._cost()

    def __enter__(self) -> RunProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    @contextmanager
    def above(self) -> Iterator[None]:
        """Print through another console (stdout) above the bar. Rich keeps a live display in order
        only for its own console; stdout's console bypasses it and would write after the bar's
        text. When stdout is the same terminal, the bar is erased first and drawn again after."""
        live = self.bar.live
        if not live.is_started or not self.stdout_is_terminal:
            yield
            return
        with live._lock:  # rich's own lock around a redraw
            self.console.control(live._live_render.position_cursor())
            try:
                yield
            finally:
                sys.stdout.flush()
                live.refresh()

    def advance(self, prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
        self.done += 1
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        self.bar.update(self.task, advance=1, tokens=self.prompt_tokens + self.completion_tokens, cost=self._cost())

    def summary(self) -> str:
        """The closing line: documents, rate, tokens, cost."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        cost = self._cost()
        return (f"{self.done} documents in {_clock(elapsed)} ({self.done * 60 / elapsed:,.1f} docs/min), "
                f"{self.prompt_tokens + self.completion_tokens:,} tokens"
                + ("" if cost is None else f", ≈${cost:,.4f}"))
