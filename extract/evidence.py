"""Ground every quote once, where the model read it, and carry the span to every later stage.

Why: the re-ask decision, the support check and the store each searched the whole text for the
same quotes, and a quote that occurs twice always landed on its first occurrence, even when the
model read it in a later chunk. Now the pipeline grounds a chunk's answer when it arrives: first
inside the part of the document that chunk covers, then in the whole text (a quote the model took
from elsewhere, or one that crosses a chunk boundary). The spans (start, end, method: exact,
folded, deep, fuzzy or none; extract/ground.py) live in a `Grounding` that the support check, the
rows for the store and, through the stored evidence, the eval read; none of them searches again.
Searching the chunk first changes where a quote lands, never whether it is grounded: a quote found
in a part of the text is found in the whole text at one of the grounded levels too.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from extract import chunking
from extract.ground import Span, locate
from extract.load import Document

log = logging.getLogger("sitrep")
Region = tuple[int, int]  # [start, end) in the document's stored text


def find(quote: str, text: str, region: Region | None = None) -> Span:
    """The grounding search: inside `region` first, then the whole text."""
    if region is not None and region != (0, len(text)):
        start, end = region
        span = locate(quote, text[start:end])
        if span.grounded and span.start is not None and span.end is not None:
            return Span(span.quote, span.start + start, span.end + start, span.method)
    return locate(quote, text)


@dataclass
class Grounding:
    """The spans of one document's quotes, keyed by the quote as the model wrote it. The first
    reading of a quote wins: the same string from two chunks is one span."""

    text: str
    spans: dict[str, Span] = field(default_factory=dict)
    regions: dict[str, Region | None] = field(default_factory=dict)

    def ground(self, quotes: Iterable[str], region: Region | None = None) -> list[Span]:
        """Spans of these quotes, searching (in `region` first) only for quotes not seen before."""
        quotes = list(quotes)
        for quote in quotes:
            if quote not in self.spans:
                self.spans[quote] = find(quote, self.text, region)
                self.regions[quote] = region
        return [self.spans[q] for q in quotes]

    def span(self, quote: str) -> Span:
        """The carried span of a quote. The one string a later stage makes is a quote cut to the
        length limit (extract/limits.py): it is grounded once, inside the span of the quote it was
        cut from."""
        if quote in self.spans:
            return self.spans[quote]
        parent = next((q for q in self.spans if q.startswith(quote)), None)
        if parent is None:
            log.warning("grounding: a quote no stage grounded, searched in the whole text: %.80r", quote)
            return self.ground([quote])[0]
        whole = self.spans[parent]
        region = (whole.start, whole.end) if whole.start is not None and whole.end is not None else self.regions[parent]
        return self.ground([quote], region)[0]


def line_map(text: str, prompt_text: str) -> list[tuple[int, int]]:
    """(offset in prompt_text, offset in text) of each prompt_text line. load.strip_boilerplate
    keeps a subsequence of the text's lines, each stripped, joined by newlines: each kept line is
    matched to the next text line with the same stripped content. A line that cannot be matched
    ends the map (the positions after it have no region: their quotes are searched in the whole text)."""
    starts: list[tuple[int, str, int]] = []  # (offset, stripped line, leading whitespace)
    pos = 0
    for line in text.splitlines(keepends=True):
        starts.append((pos, line.strip(), len(line) - len(line.lstrip())))
        pos += len(line)
    out: list[tuple[int, int]] = []
    j, at = 0, 0
    for kept in prompt_text.split("\n"):
        while j < len(starts) and starts[j][1] != kept:
            j += 1
        if j == len(starts):
            break
        out.append((at, starts[j][0] + starts[j][2]))
        j, at = j + 1, at + len(kept) + 1
    return out


def _to_text(lines: list[tuple[int, int]], prompt_text: str, pos: int) -> int | None:
    """A prompt_text offset as a text offset; None past the last matched line."""
    i = bisect.bisect_right(lines, (pos, float("inf"))) - 1
    if i < 0:
        return None
    start, at = lines[i]
    end = prompt_text.find("\n", start)
    return at + pos - start if pos <= (len(prompt_text) if end < 0 else end) else None


def chunks(doc: Document, limit: int) -> list[tuple[str, Region | None]]:
    """The prompt-text chunks the model reads (extract/chunking.py), each with the part of the stored
    text it covers."""
    prompt = doc.prompt_text
    lines = line_map(doc.text, prompt)
    out: list[tuple[str, Region | None]] = []
    for chunk, (start, end) in chunking.split_spans(prompt, limit):
        first = _to_text(lines, prompt, start)
        last = _to_text(lines, prompt, max(start, end - 1))
        out.append((chunk, (first, last + 1) if first is not None and last is not None else None))
    return out


@dataclass(frozen=True)
class Reading:
    """What the model read: a chunk's region of the text, and the document's grounding its
    answers' quotes go into."""

    grounding: Grounding
    region: Region | None

    def ground(self, quotes: Iterable[str]) -> list[Span]:
        return self.grounding.ground(quotes, self.region)
