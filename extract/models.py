"""The embedded-model registry (extract/models.toml) and the one-time GGUF assembly.

Weights come only from registry packages that the project's install step installed; this module
never touches the network. The assembled GGUF lives in $SITREP_MODEL_DIR, else
$XDG_CACHE_HOME/sitrep/models, else ~/.cache/sitrep/models, and is verified by sha256 once,
when it is built; later loads check size and the recorded hash.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

REGISTRY = Path(__file__).with_name("models.toml")
CHUNK = 8 << 20


class ModelError(RuntimeError):
    """The embedded model is missing or damaged; the message gives the fix."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    distribution: str
    package: str
    parts: int
    files: str
    size: int
    sha256: str
    context_length: int
    chat_template: str
    licence: str
    default: bool = False

    @property
    def install_hint(self) -> str:
        first, last = (self.distribution.format(n=n) for n in (1, self.parts))
        return f"install its packages ({first} … {last}), e.g. `make install`"


def registry() -> dict[str, ModelSpec]:
    data = tomllib.loads(REGISTRY.read_text(encoding="utf-8"))
    return {name: ModelSpec(name=name, **fields) for name, fields in data["models"].items()}


def default_model() -> ModelSpec:
    specs = registry()
    return next((s for s in specs.values() if s.default), next(iter(specs.values())))


def get_spec(name: str | None) -> ModelSpec:
    if name is None:
        return default_model()
    specs = registry()
    if name not in specs:
        raise ModelError(f"unknown local model {name!r}; known: {', '.join(specs)}")
    return specs[name]


def cache_dir() -> Path:
    if os.environ.get("SITREP_MODEL_DIR"):
        return Path(os.environ["SITREP_MODEL_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sitrep" / "models"


def part_files(spec: ModelSpec) -> list[Path]:
    """The chunk files in order; a clear error naming the first missing package."""
    files: list[Path] = []
    for n in range(1, spec.parts + 1):
        module = spec.package.format(n=n)
        found = importlib.util.find_spec(module)
        if found is None or not found.submodule_search_locations:
            raise ModelError(f"model {spec.name}: package {spec.distribution.format(n=n)} is not installed; "
                             f"{spec.install_hint}")
        root = Path(next(iter(found.submodule_search_locations)))
        files += sorted(root.glob(spec.files))
    return files


def gguf_path(spec: ModelSpec) -> Path:
    return cache_dir() / f"{spec.name}.gguf"


def ensure_model(spec: ModelSpec) -> Path:
    """Return the verified GGUF path, assembling it from the installed packages if needed."""
    target = gguf_path(spec)
    marker = target.with_suffix(".sha256")
    verified = marker.exists() and marker.read_text().strip() == spec.sha256
    if verified and target.exists() and target.stat().st_size == spec.size:
        return target
    return assemble(spec)


def assemble(spec: ModelSpec) -> Path:
    target = gguf_path(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    digest = hashlib.sha256()
    with tmp.open("wb") as out:
        for path in part_files(spec):
            with path.open("rb") as src:
                while block := src.read(CHUNK):
                    digest.update(block)
                    out.write(block)
    size = tmp.stat().st_size
    if size != spec.size or digest.hexdigest() != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise ModelError(
            f"model {spec.name}: assembled {size:,} bytes with sha256 {digest.hexdigest()[:12]}…, expected "
            f"{spec.size:,} bytes and {spec.sha256[:12]}…; reinstall its packages "
            f"(pip install --force-reinstall) and retry"
        )
    tmp.replace(target)
    target.with_suffix(".sha256").write_text(spec.sha256 + "\n")
    return target
