"""Load a file into a Document: clean text, sha256, language, publication date, title.

The stored text is exactly what grounding offsets refer to. `prompt_text` is the same text with
page furniture (paywall notices, copyright lines, menus) cut, so that boilerplate never reaches
the model and cannot become facts.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import dateparser
from charset_normalizer import from_bytes

MAX_BYTES = 5_000_000
SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ""}


class LoadError(ValueError):
    """A file that cannot become a document; the message says why and what to do."""


@dataclass(frozen=True)
class Document:
    text: str
    sha256: str
    source: str
    language: str | None
    published: str | None
    title: str | None

    @property
    def doc_id(self) -> str:
        """Content-addressed: the same text from two paths is one document."""
        return self.sha256[:16]

    @cached_property
    def prompt_text(self) -> str:
        """Computed once: the pipeline reads it per chunk, pass and run identity, and the boilerplate
        regexes are not free on a long article."""
        return strip_boilerplate(self.text)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _utf16(data: bytes) -> str | None:
    """UTF-16 text (Windows 'Unicode' exports): with a BOM, or without one when every other byte
    of the head is NUL (ASCII-range text). Such files were rejected as binary."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    head = data[:8192] if len(data) % 2 == 0 else b""
    for codec, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros and zeros.count(0) >= 0.9 * len(zeros):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _decode(data: bytes, path: Path) -> str:
    wide = _utf16(data)
    if wide is not None:
        return wide
    if b"\x00" in data[:8192]:
        raise LoadError(f"{path}: looks binary (NUL bytes); give a .txt, .md or .html file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise LoadError(f"{path}: not valid UTF-8 and no text encoding could be detected")
    return str(best)


def _check_text(text: str, path: Path) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise LoadError(f"{path}: empty file, nothing to extract")
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t")
    if controls > max(10, len(text) // 100):
        raise LoadError(f"{path}: {controls} control characters; this looks binary, not text")
    return text


def _html_to_text(html: str) -> tuple[str, str | None, str | None]:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, favor_precision=True) or ""
    meta = trafilatura.extract_metadata(html)
    title = meta.title if meta else None
    published = meta.date if meta and meta.date else None
    return text, title, published


def load_path(path: Path) -> Document:
    """Read, decode, clean and describe one file; raise LoadError with a clear message."""
    if not path.exists():
        raise LoadError(f"{path}: no such file")
    if not path.is_file():
        raise LoadError(f"{path}: not a file")
    if path.suffix.lower() not in SUPPORTED:
        raise LoadError(f"{path}: unsupported type {path.suffix!r}; use .txt, .md or .html")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise LoadError(f"{path}: {size:,} bytes is over the {MAX_BYTES:,}-byte limit; split the file")
    raw = _check_text(_decode(path.read_bytes(), path), path)
    title = published = None
    if path.suffix.lower() in {".html", ".htm"}:
        raw, title, published = _html_to_text(raw)
        raw = _check_text(raw, path)
    return document_from_text(raw, source=str(path), title=title, published=published)


def document_from_text(
    text: str, source: str = "<text>", title: str | None = None, published: str | None = None
) -> Document:
    text = unicodedata.normalize("NFC", text)
    language = detect_language(text)
    return Document(
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=source,
        language=language,
        published=published or find_published(text, language),
        title=title or find_title(text),
    )


@lru_cache(maxsize=256)
def detect_language(text: str) -> str | None:
    """Cached per text (~10 ms of CPU each): the seed is fixed, so one text always gets one answer,
    and an eval with repeats or a re-run corpus loads the same articles again."""
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0  # deterministic
    try:
        return detect(strip_boilerplate(text)[:4000]).split("-")[0]  # ISO 639-1: 'zh-cn' → 'zh'
    except LangDetectException:
        return None


_DATE_PATTERNS = [
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",
    r"\b\d{1,2}(?:er)?\s+[^\W\d_]{3,12}\.?\s+\d{4}\b",  # 2 noiembrie 2024, 1er mars 2023
    r"\b[^\W\d_]{3,12}\.?\s+\d{1,2},\s+\d{4}\b",  # October 25, 2024
]


def find_published(text: str, language: str | None) -> str | None:
    """A full date near the top of the article (dateline or byline), as YYYY-MM-DD."""
    head = text[:600]
    languages = [language, "en"] if language and language != "en" else ["en"]
    for pattern in _DATE_PATTERNS:
        for match in re.finditer(pattern, head):
            parsed = dateparser.parse(
                match.group(0), languages=languages, settings={"STRICT_PARSING": True}
            )
            if parsed and 1900 < parsed.year < 2100:
                return parsed.date().isoformat()
    return None


def find_title(text: str) -> str | None:
    """The first line that reads like a headline: 4 or more words, no final full stop."""
    for line in text.splitlines()[:8]:
        line = line.strip().lstrip("#").strip()
        if any(re.search(p, line) for p in _DATE_PATTERNS) and len(line.split()) < 8:
            continue  # a dateline, not a headline
        if len(line.split()) >= 4 and not line.endswith(".") and len(line) < 200:
            return line
    return None


_CUT_MARKERS = re.compile(
    r"(mai sunt \d+\s*% din acest articol|abonează-te pentru a|subscribe to (read|continue)|"
    r"abonnez-vous pour|il vous reste \d+\s*%|this article is for subscribers|"
    r"to continue reading)",
    re.IGNORECASE,
)
_FURNITURE = re.compile(
    r"^(drepturi de autor|copyright|©|all rights reserved|tous droits réservés|reclamă|advertisement|"
    r"publicité|share this|distribuie|retele sociale|rețele sociale|ultimele articole|related articles|"
    r"read more|citește și|newsletter|cookie|"
    # "read also" links and labelled photo captions: page furniture, never a fact of the article
    r"(?:also read|read also|related reading|related:|see also|more on this|à lire aussi|lire aussi|"
    r"voir aussi|mehr zum thema|lesen sie auch|lee también|leer también|ver también|lea también|vezi și|"
    r"citiți și|citeste si|leggi anche|читайте также|читайте також|читати також|смотрите также|"
    r"اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|延伸阅读|相关阅读|相关报道|相关新闻|"
    r"photo caption|caption|bildunterschrift|légende|legendă|legenda|pie de foto|didascalia|подпись к фото|"
    r"підпис до фото|تعليق الصورة|图片说明|图注)\s*[:：\-–—]|"
    r"(?:subscribe to|sign up for|abonnez-vous|abonează-te|abonnieren sie|suscríbete|подпишитесь|підпишіться|"
    r"اشترك في|订阅))",
    re.IGNORECASE,
)


def _is_menu(line: str) -> bool:
    """'Home | World | Defence | Subscribe': three or more short items split by bars."""
    items = [i for i in line.split("|") if i.strip()]
    return len(items) >= 3 and all(len(i.split()) <= 4 for i in items)


_WORD = re.compile(r"[^\W_][\w-]*")


def _is_photo_tag(line: str, following: str) -> bool:
    """'KIm jong un Su-57 Moscova septembrie 2023' above its caption: a short line without
    punctuation whose words mostly recur in the next line. The model read such tags as facts
    (Kim Jong Un → Su-57). The caption itself stays: it can carry a fact."""
    if not line or re.search(r"[.,;:!?\"'()]", line):
        return False
    words = [w.casefold() for w in _WORD.findall(line)]
    if not 3 <= len(words) <= 12:
        return False
    nearby = {w.casefold() for w in _WORD.findall(following)}
    return sum(w in nearby for w in words) >= 0.6 * len(words)


def strip_boilerplate(text: str) -> str:
    """Cut everything after a paywall marker; drop page-furniture, menu and photo-tag lines."""
    marker = _CUT_MARKERS.search(text)
    if marker:
        text = text[: text.rfind("\n", 0, marker.start()) + 1 or marker.start()]
    lines = [line.strip() for line in text.splitlines()]
    kept = [line for i, line in enumerate(lines)
            if not _FURNITURE.match(line) and not _is_menu(line)
            and not _is_photo_tag(line, lines[i + 1] if i + 1 < len(lines) else "")]
    return "\n".join(kept).strip()
