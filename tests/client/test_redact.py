"""Secrets are replaced in free text, URLs, errors, logs and reprs."""

from __future__ import annotations

import logging
from uuid import UUID

import httpx
import pytest

from easyink_client.api.signing_session_drafts import get_draft
from easyink_ext import BadRequestError, EasyInk
from easyink_ext._redact import REDACTED, redact_text, redact_url
from easyink_ext.auth import StaticToken, TokenSet
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


async def test_credentials_sent_never_show_in_errors_logs_or_reprs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The Authorization header's token, echoed by a server, is redacted everywhere it shows."""
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"

    def echo(request: httpx.Request) -> httpx.Response:
        message = f"bad header Authorization: {request.headers['Authorization']}"
        return httpx.Response(400, json={"error": {"code": "BadRequest", "message": message}})

    caplog.set_level(logging.DEBUG, logger="easyink")
    async with EasyInk(
        base_url="http://api.test", token=token, transport=httpx.MockTransport(echo)
    ) as ei:
        with pytest.raises(BadRequestError) as info:
            await get_draft.asyncio(UUID(int=1), client=ei.client)
        shown = [str(info.value), repr(info.value), caplog.text, repr(ei)]
    shown += [repr(StaticToken(token)), repr(TokenSet(access_token=token, refresh_token=token))]
    assert all(token not in text for text in shown)
    assert REDACTED in str(info.value)


def test_exception_url_is_redacted() -> None:
    err = APIConnectionError("failed", method="GET", url="http://x/cb?code=abc123")
    assert "abc123" not in str(err)
