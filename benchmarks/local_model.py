"""Benchmark the embedded model on this machine: prints figures, asserts nothing.

    python benchmarks/local_model.py [FILES...] [--reask] [--max-retries N]

Measures prompt-processing and decode tokens/s, wall time per article by length, the share of
wall time spent outside the LLM (pipeline overhead), and the prompt cost of a second pass whose
prefix (system prompt + article) is already in the KV cache.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from extract.load import load_path
from extract.pipeline import Options, extract_document
from extract.prompt import messages
from extract.providers.local import LocalProvider

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [ROOT / "examples" / "iris-t-ukraine.txt",
                 ROOT.parent / "shared" / "corpus" / "real" / "001-en-wh-sullivan-shin-readout.txt",
                 ROOT.parent / "shared" / "corpus" / "real" / "003-en-wh-biden-xi-lima-readout.txt"]


def raw_speed(provider: LocalProvider) -> tuple[float, float]:
    """Prompt-processing and decode tokens/s on a fixed text, cache cleared first."""
    llama = provider._load(4096)
    text = (ROOT / "examples" / "iris-t-ukraine.txt").read_text() * 3
    tokens = llama.tokenize(text.encode())[:1024]
    llama.reset()
    start = time.perf_counter()
    llama.eval(tokens)
    pp = len(tokens) / (time.perf_counter() - start)
    llama.reset()
    start = time.perf_counter()
    out = llama.create_completion("Write a short report about air defence in Europe:", max_tokens=64,
                                  temperature=0.0)
    n = out["usage"]["completion_tokens"]
    return pp, n / (time.perf_counter() - start)


def prefix_reuse(provider: LocalProvider, path: Path) -> tuple[float, float]:
    """Seconds to read a request cold, and again with only the final task changed."""
    doc = load_path(path)
    first = messages(doc, doc.prompt_text, "all")
    second = messages(doc, doc.prompt_text, "actors")
    llama = provider._ensure_ctx(first)
    llama.reset()
    timings = []
    for msgs in (first, second):
        start = time.perf_counter()
        llama.create_chat_completion(messages=msgs, max_tokens=1, temperature=0.0)
        timings.append(time.perf_counter() - start)
    return timings[0], timings[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--reask", action="store_true", help="re-ask for quotes not in the text")
    parser.add_argument("--max-retries", type=int, default=None, help="default: the provider's (0)")
    args = parser.parse_args()
    provider = LocalProvider()
    start = time.perf_counter()
    provider._load(4096)
    print(f"model {provider.model}, {provider.threads} threads, load {time.perf_counter() - start:.1f} s")
    pp, tg = raw_speed(provider)
    print(f"prompt processing {pp:.1f} tok/s, decode {tg:.1f} tok/s")
    cold, warm = prefix_reuse(provider, args.files[0])
    print(f"second pass over the same article: {cold:.1f} s cold vs {warm:.1f} s with the prefix reused")
    print(f"\n{'file':48} {'words':>6} {'wall s':>7} {'llm s':>7} {'outside %':>9} {'calls':>5} "
          f"{'prompt':>7} {'compl':>6} {'tok/s':>6} {'status':>7}")
    options = Options(reask_ungrounded=args.reask, max_retries=args.max_retries)
    for path in args.files:
        doc = load_path(path)
        provider._llama.reset()  # every article starts without a warm cache
        start = time.perf_counter()
        result = extract_document(doc, provider, None, options)
        wall = time.perf_counter() - start
        u = result.usage
        print(f"{path.name[:48]:48} {len(doc.text.split()):6d} {wall:7.1f} {u.seconds:7.1f} "
              f"{100 * (wall - u.seconds) / wall:9.2f} {u.calls:5d} {u.prompt_tokens:7d} {u.completion_tokens:6d} "
              f"{u.completion_tokens / max(u.seconds, 1e-9):6.1f} {result.status:>7}")
    provider.close()


if __name__ == "__main__":
    main()
