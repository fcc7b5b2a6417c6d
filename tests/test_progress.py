"""The progress bar: rate, ETA, tokens and cost; lines from stdout's console print above it."""

import io
import time

from rich.console import Console

from extract.progress import Price, RunProgress, batch_discount, price_for


def terminal(buf):
    return Console(file=buf, force_terminal=True, width=120, color_system=None)


def test_prices_are_data_and_an_unknown_model_has_none():
    assert price_for("gpt-4o-mini") == Price(0.15, 0.60)
    assert price_for("qwen2.5-coder-1.5b-instruct-q4_k_m") is None
    assert Price(0.15, 0.60).cost(1_000_000, 1_000_000) == 0.75
    assert batch_discount() == 0.5


def test_bar_shows_rate_eta_tokens_and_cost():
    buf = io.StringIO()
    with RunProgress(terminal(buf), 4, "gpt-4o-mini") as bar:
        time.sleep(0.05)
        bar.advance(10_000, 5_000)
        bar.bar.refresh()
        shown = buf.getvalue()
    assert "1/4" in shown and "docs/min · ETA" in shown
    assert "15,000 tokens · ≈$0.0045" in shown  # 10,000 × 0.15 + 5,000 × 0.60 per million
    assert bar.summary().startswith("1 documents in 0:00") and "≈$0.0045" in bar.summary()


def test_unknown_model_shows_tokens_only():
    buf = io.StringIO()
    with RunProgress(terminal(buf), None, "some-local-model") as bar:
        bar.advance(10, 5)
        bar.bar.refresh()
    assert "15 tokens" in buf.getvalue() and "$" not in buf.getvalue()
    assert "$" not in bar.summary()


def test_a_line_printed_on_stdout_goes_above_the_bar_not_after_it():
    buf = io.StringIO()  # one screen: stdout and stderr are the same terminal
    err, out = terminal(buf), terminal(buf)
    with RunProgress(err, 3, "gpt-4o-mini") as bar:
        bar.stdout_is_terminal = True
        bar.bar.refresh()
        with bar.above():
            out.print("ok doc-1")
    screen = buf.getvalue()
    before = screen[:screen.index("ok doc-1")]
    assert before.endswith("\r\x1b[2K")  # the bar was erased first, so the line starts clean
    assert screen.count("extracting") >= 2  # and the bar drawn again below it
