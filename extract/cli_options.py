"""Options, consoles and the error exit shared by every `sitrep` command module.

extract/cli.py and evals/cli.py both import from here, so neither imports the other for its
options (evals.cli used to import extract.cli, which imports evals.cli to register it: a cycle).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extract import render
from extract.load import LoadError
from extract.models import ModelError
from extract.providers import NAMES, ProviderError
from extract.redact import redact
from extract.store import StoreError

console = Console()
err = Console(stderr=True)
if not console.is_terminal:  # pipes and files get full rows, not 80-column wrapping
    console.width = err.width = 160

DbOpt = Annotated[Path, typer.Option("--db", envvar="SITREP_DB", help="DuckDB file (default ./sitrep.duckdb)")]
ProviderOpt = Annotated[str | None, typer.Option(
    help=f"one of {', '.join(NAMES)}; default: local, or openai when OPENAI_API_KEY is set, "
    "or openai-compatible with --base-url")]
ModelOpt = Annotated[str | None, typer.Option(help="model name (local: an entry of `sitrep models`)")]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")]
FixturesOpt = Annotated[Path | None, typer.Option(help="replay provider: folder of recorded responses")]
PassesOpt = Annotated[str | None, typer.Option(
    "--strategy", "--passes", help="single (one answer), per-type (actors, then events) or small (found names, "
    "constrained short questions per event type; extract/small.py); default: the provider's; --passes is the old name")]
ExampleOpt = Annotated[str, typer.Option(help="worked example: in the system prompt, as an earlier exchange, or none",
                                          metavar="system|turns|none")]
RetriesOpt = Annotated[int | None, typer.Option(help="validation re-asks per call (default 2; 0 embedded)")]
ReaskOpt = Annotated[bool | None, typer.Option(
    "--reask/--no-reask", help="re-ask once for evidence quotes not in the text (default on; off embedded)")]
TimeoutOpt = Annotated[float | None, typer.Option(help="seconds per model request (default 300 remote, 900 embedded)")]
TemperatureOpt = Annotated[float | None, typer.Option(help="sampling temperature (default: the provider's, 0)")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", help="documents in flight at once (remote providers only)")]
RpmOpt = Annotated[float | None, typer.Option(help="requests per minute (default: rates.toml per provider)")]
TpmOpt = Annotated[float | None, typer.Option(help="tokens per minute (default: rates.toml per provider)")]
USER_ERRORS = (LoadError, ProviderError, StoreError, ModelError, OSError)


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {render.safe_markup(redact(message))}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
