"""easyink_ext over a real socket: the sandbox under uvicorn (run_server) and a closed port."""

from __future__ import annotations

import logging
import socket
from uuid import UUID, uuid4

import pytest

from easyink_client.api.signing_session_drafts import create_draft, get_draft
from easyink_client.api.signing_sessions import get_session_statistics
from easyink_client.models import CreateDraftRequest
from easyink_ext import (
    APIConnectionError,
    AuthenticationError,
    EasyInk,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
)
from easyink_sandbox import FaultConfig, SandboxConfig, run_server

pytestmark = pytest.mark.integration


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_errors_and_retries_over_uvicorn(backend: str) -> None:
    async with run_server(SandboxConfig()) as server:
        sandbox = server.sandbox
        async with EasyInk(
            base_url=server.url, token=sandbox.issue_token(), backoff_base=0.001, backend=backend
        ) as ei:
            draft = await create_draft.asyncio(
                client=ei.client, body=CreateDraftRequest(subject="real socket")
            )
            assert isinstance(draft, UUID)
            with pytest.raises(NotFoundError) as not_found:
                await get_draft.asyncio(uuid4(), client=ei.client)
            assert not_found.value.code == "NotFound"

            sandbox.faults = FaultConfig(seed=1, drop_rate=1.0, retry_after=0.001)
            sandbox.reset_log()
            # The connection closes before any response byte: a transport failure, retried.
            with pytest.raises(APIConnectionError) as dropped:
                await get_draft.asyncio(draft, client=ei.client)
            assert not isinstance(dropped.value, OutcomeUnknownError)
            assert "RemoteProtocolError" in str(dropped.value)
            assert [(r.method, r.status, r.fault) for r in sandbox.request_log] == [
                ("GET", None, "drop")
            ] * 3  # GET: first attempt + 2 retries

            sandbox.reset_log()
            with pytest.raises(OutcomeUnknownError):
                await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="x"))
            assert len(sandbox.request_log) == 1  # POST: never replayed after a drop

            sandbox.faults = FaultConfig(seed=1, rate_limit_rate=1.0, retry_after=0.001)
            sandbox.reset_log()
            with pytest.raises(RateLimitError):
                await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="y"))
            assert len(sandbox.request_log) == 3  # POST: a 429 is retried
            sandbox.faults = FaultConfig()
        async with EasyInk(base_url=server.url, token="expired-or-wrong", backend=backend) as bad:
            with pytest.raises(AuthenticationError):
                await get_session_statistics.asyncio(client=bad.client)


async def test_connection_refused_post_is_retried_and_not_ambiguous(
    caplog: pytest.LogCaptureFixture, backend: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="easyink")
    url = f"http://127.0.0.1:{_closed_port()}"
    async with EasyInk(base_url=url, token="t", backoff_base=0.001, backend=backend) as ei:
        with pytest.raises(APIConnectionError) as info:
            await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="x"))
    assert not isinstance(info.value, OutcomeUnknownError)
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retry ")]
    assert len(retries) == 2
    assert all("reason=ConnectError" in line for line in retries)
