"""Rich rendering of records, SQL results and highlighted evidence (terminal output only).

Article text and model output are data: an ESC or OSC sequence in them must not clear the screen,
set the window title or write the clipboard (OSC 52). `visible()` shows every C0/C1 control
character (except newline and tab) as a visible stand-in of the same length, so evidence offsets
still line up; cells are rich `Text`, never markup, so `[link=…]` in an article stays text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from extract.store import Store
from schemas import kinds

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (Unicode control pictures): ESC shows as ␛
    return "\u2421" if code == 0x7F else "\ufffd"  # ␡ for DEL, � for a C1 control (CSI, OSC …)


def visible(text: str) -> str:
    """`text` with every control character but newline and tab replaced by one visible character."""
    return _CONTROLS.sub(_stand_in, text)


def safe_markup(text: object) -> str:
    """Untrusted text for a rich markup string: controls made visible, `[` escaped."""
    return escape(visible(str(text)))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return visible(", ".join(map(str, value)))
    if isinstance(value, float):
        return f"{value:.2f}"
    return visible(str(value))


def table(title: str, cols: list[str], rows: list[tuple]) -> Table:
    out = Table(title=Text(visible(title)) if title else None, title_justify="left", show_lines=False)
    for col in cols:
        out.add_column(Text(visible(col)), overflow="fold")
    for row in rows:
        out.add_row(*(Text(_cell(v)) for v in row))
    return out


def print_run_records(console: Console, store: Store, run_id: str) -> None:
    for kind in kinds.kinds():
        names, rows = store.query(f"SELECT {', '.join(kind.shown)} FROM {kind.table} WHERE run_id = ? ORDER BY idx",
                                  [run_id])
        console.print(table(f"{kind.name} ({len(rows)})", names, rows))


def format_rows(cols: list[str], rows: list[tuple], fmt: str) -> str | Table:
    if fmt == "json":  # json escapes C0 itself; C1 (CSI, OSC) it would pass through raw
        out = json.dumps([dict(zip(cols, r, strict=True)) for r in rows], default=str, ensure_ascii=False, indent=1)
        return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group(0)):04x}", out)
    if fmt == "jsonl":  # one object per line, for jq and pipes
        lines = [json.dumps(dict(zip(cols, r, strict=True)), default=str, ensure_ascii=False) + "\n" for r in rows]
        return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group(0)):04x}", "".join(lines))
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([visible(c) for c in cols])
        writer.writerows([visible(v) if isinstance(v, str) else v for v in row] for row in rows)
        return buf.getvalue()
    return table("", cols, rows)


def highlighted(text: str, spans: list[tuple[int, int, bool]]) -> Text:
    """The document with grounded evidence in green and fuzzy-located quotes in yellow."""
    out = Text(visible(text))
    for start, end, grounded in spans:
        out.stylize("bold black on green" if grounded else "black on yellow", start, end)
    return out
