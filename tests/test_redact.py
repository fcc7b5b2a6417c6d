"""Credentials never survive redact(): given secrets, the env key, bearer tokens, URL userinfo/query."""

from __future__ import annotations

import pytest

from extract.redact import MASK, redact, safe_url


def test_given_secret_and_env_key_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "envkey-123456")
    out = redact("server said: envkey-123456 and hunter2-secret", ["hunter2-secret"])
    assert "envkey-123456" not in out and "hunter2-secret" not in out
    assert out.count(MASK) == 2


def test_authorization_header_and_bearer_are_masked() -> None:
    out = redact('{"error": "bad header Authorization: Bearer abc.DEF-123_xyz"}')
    assert "abc.DEF-123_xyz" not in out
    assert "Authorization" in out  # the message still says what was wrong


def test_sk_keys_and_api_key_params_are_masked() -> None:
    out = redact("key sk-proj-AAAAbbbbCCCC1234 rejected; api_key=zzz999top")
    assert "sk-proj-AAAAbbbbCCCC1234" not in out and "zzz999top" not in out


def test_url_userinfo_and_query_are_stripped() -> None:
    url = "https://alice:s3cr3tpw@llm.example.org:8443/v1?api_key=q123#frag"
    assert safe_url(url) == "https://llm.example.org:8443/v1"
    out = redact(f"cannot reach {url}.")
    assert "s3cr3tpw" not in out and "q123" not in out and "alice" not in out
    assert out.endswith("llm.example.org:8443/v1.")


def test_plain_text_is_unchanged() -> None:
    text = "Russia delivered 12 S-400 launchers to Belarus (confirmed)."
    assert redact(text) == text
    assert safe_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"
    assert redact(None) == "" and safe_url(None) == ""
