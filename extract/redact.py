"""Keep credentials out of everything sitrep prints, logs or stores.

A misbehaving server can echo the Authorization header in its error body, and a key can ride in
a `--base-url` as userinfo (`https://user:KEY@host/v1`) or a query string (`?api_key=KEY`). Every
message that reaches the terminal, a log record or the database goes through `redact()` first;
every URL that is shown or stored goes through `safe_url()`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

MASK = "[redacted]"
SECRET_ENV = ("OPENAI_API_KEY",)  # values of these variables are always masked
_MIN_SECRET = 4  # shorter "secrets" would mask ordinary words

_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{8,}")
_HEADER = re.compile(r"(?i)\b(authorization|api[-_]?key|x-api-key)(['\"]?\s*[:=]\s*['\"]?)"
                     r"(?:(?:bearer|basic)\s+)?[^\s\"',;}&]+")
_KEYLIKE = re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}")
# scheme://userinfo@host → scheme://host ; query string dropped
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s\"'<>]+")


def _secrets(extra: Iterable[str]) -> list[str]:
    values = [os.environ.get(name, "") for name in SECRET_ENV]
    found = {s for s in (*values, *extra) if s and len(s) >= _MIN_SECRET}
    return sorted(found, key=len, reverse=True)  # longest first: a key that contains another


def safe_url(url: str | None) -> str:
    """The URL without userinfo, query string and fragment: what may be shown and stored.
    Not a URL (or None) → the text with any secret-looking part masked."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url, _url=False)
    if not parts.scheme or not parts.netloc:
        return redact(url, _url=False)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def redact(text: str | None, secrets: Iterable[str] = (), *, _url: bool = True) -> str:
    """`text` with the given secrets, OPENAI_API_KEY's value, bearer tokens, Authorization and
    api-key headers, sk-… keys, URL userinfo and URL query strings masked."""
    if not text:
        return text or ""
    out = str(text)
    for secret in _secrets(secrets):
        out = out.replace(secret, MASK)
    if _url:
        out = _URL.sub(lambda m: _url_sub(m.group(0)), out)
    out = _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", out)
    out = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", out)
    return _KEYLIKE.sub(MASK, out)


def _url_sub(url: str) -> str:
    trail = ""
    while url and url[-1] in ".,;:)]}":  # sentence punctuation after a URL is not part of it
        trail, url = url[-1] + trail, url[:-1]
    return safe_url(url) + trail


class RedactingFilter(logging.Filter):
    """Masks secrets in every record a handler emits, whichever library logged it (httpx and the
    openai client log request URLs and headers at INFO and DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


_FILTER = RedactingFilter()


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of `logger` (default: the root logger)."""
    for handler in (logger or logging.getLogger()).handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
