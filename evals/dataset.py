"""Dataset: every `*.gold.json` under a folder, validated, with the text it annotates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extract.load import Document, document_from_text
from schemas.gold import GoldError, GoldFile, load_gold


@dataclass(frozen=True)
class Sample:
    path: Path
    gold: GoldFile
    text: str

    @property
    def id(self) -> str:
        return self.gold.document.id

    def document(self) -> Document:
        """The document the extractor sees; gold metadata (date, title) wins over detection."""
        meta = self.gold.document
        text_path = (self.path.parent / meta.text_file).resolve()
        return document_from_text(self.text, source=str(text_path), title=meta.title, published=meta.published)


def load_dataset(folder: Path) -> list[Sample]:
    if not folder.is_dir():
        raise GoldError(f"{folder}: not a folder")
    paths = sorted(folder.rglob("*.gold.json"))
    if not paths:
        raise GoldError(f"{folder}: no *.gold.json files")
    samples = [Sample(path, *load_gold(path)) for path in paths]
    seen: dict[str, Path] = {}
    for s in samples:
        if s.id in seen:
            raise GoldError(f"{s.path}: document.id {s.id!r} is also used by {seen[s.id]}")
        seen[s.id] = s.path
    return samples
