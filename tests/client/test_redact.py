"""Secrets are replaced in free text, URLs and headers."""

from __future__ import annotations

from easyink_ext._redact import REDACTED, mask, redact_headers, redact_text, redact_url
from easyink_ext.errors import APIConnectionError


def test_redact_text() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    text = f"Authorization: Bearer abc.def token={jwt} client_secret=s3cr3t code: xyz"
    out = redact_text(text)
    for secret in ("abc.def", jwt, "s3cr3t", "xyz"):
        assert secret not in out
    assert out.count(REDACTED) == 4
    assert redact_text("plain words stay") == "plain words stay"


def test_redact_url() -> None:
    url = "https://easyink.io/cb?code=abc123&state=st&client_secret=shh"
    out = redact_url(url)
    assert "abc123" not in out and "shh" not in out
    assert "state=st" in out
    assert redact_url("https://user:pw@host/x") == f"https://{REDACTED}@host/x"
    assert redact_url("https://host/api/x") == "https://host/api/x"


def test_redact_headers_and_mask() -> None:
    headers = redact_headers({"Authorization": "Bearer t", "Accept": "application/json"})
    assert headers == {"Authorization": REDACTED, "Accept": "application/json"}
    assert mask("secret") == REDACTED and mask(None) == "None"


def test_exception_url_is_redacted() -> None:
    err = APIConnectionError("failed", method="GET", url="http://x/cb?code=abc123")
    assert "abc123" not in str(err)
