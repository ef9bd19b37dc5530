"""Workflow fixtures: a client on the in-process sandbox (tests/conftest.py), fault injection."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from typing import Literal

import attrs
import httpx
import pytest

from easyink_ext import EasyInk
from easyink_sandbox import Sandbox, SandboxApp, simple_pdf

from ..conftest import SANDBOX_URL, Recorded

BASE = SANDBOX_URL

Mode = Literal["drop_after", "drop_before", "bad_request", "unavailable"]


@attrs.define
class Rule:
    """Break the next ``times`` requests matching ``method`` and the ``path`` regex."""

    method: str
    path: str
    mode: Mode
    times: int = 1
    hits: int = 0

    def matches(self, request: httpx.Request) -> bool:
        return (
            self.hits < self.times
            and request.method == self.method
            and re.search(self.path, request.url.path) is not None
        )


class FaultyTransport(httpx.AsyncBaseTransport):
    """ASGI transport that breaks chosen requests.

    ``drop_after`` forwards the request (it takes effect) and then loses the answer;
    ``drop_before`` loses the connection without forwarding; ``bad_request`` answers 400 and
    ``unavailable`` 503, both without forwarding.
    """

    def __init__(self, app: SandboxApp) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self.rules: list[Rule] = []
        self.requests: list[tuple[str, str]] = []

    def fail(self, method: str, path: str, mode: Mode, times: int = 1) -> Rule:
        rule = Rule(method, path, mode, times)
        self.rules.append(rule)
        return rule

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        rule = next((r for r in self.rules if r.matches(request)), None)
        if rule is None:
            return await self._inner.handle_async_request(request)
        rule.hits += 1
        if rule.mode == "drop_before":
            raise httpx.ReadError("connection reset by peer", request=request)
        if rule.mode in ("bad_request", "unavailable"):
            status, code = (400, "ValidationError") if rule.mode == "bad_request" else (503, "Busy")
            body = b'{"error": {"code": "%s", "message": "injected failure"}}' % code.encode()
            return httpx.Response(
                status, content=body, headers={"Content-Type": "application/json"}, request=request
            )
        response = await self._inner.handle_async_request(request)
        await response.aread()
        raise httpx.ReadError("connection lost while reading the answer", request=request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def transport(app: SandboxApp) -> FaultyTransport:
    return FaultyTransport(app)


@pytest.fixture
async def ei(sandbox: Sandbox, transport: FaultyTransport) -> AsyncIterator[EasyInk]:
    async with EasyInk(
        base_url=BASE, token=sandbox.issue_token(), transport=transport, backoff_base=0.0
    ) as client:
        yield client
    assert sandbox.response_violations == []


@pytest.fixture
def pdf() -> bytes:
    return simple_pdf(["Agreement", "Between the parties below."], pages=2)


def statuses(sandbox: Sandbox) -> list[str]:
    """Status of every session the sandbox holds."""
    return sorted(s.status for s in sandbox.store.sessions.values())


StatusesFn = Callable[[Sandbox], list[str]]


class PerTaskPools(httpx.AsyncBaseTransport):
    """One small connection pool per asyncio task (cheap pool bookkeeping at high concurrency)."""

    def __init__(self, pools: int) -> None:
        # Plain http on 127.0.0.1: no TLS context (loading CA certificates costs ~40 ms each).
        self._pools = [httpx.AsyncHTTPTransport(verify=False) for _ in range(pools)]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        task = asyncio.current_task()
        index = (id(task) >> 4) % len(self._pools) if task is not None else 0
        return await self._pools[index].handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


@pytest.fixture
async def traced(
    token: str, transport: FaultyTransport, recorded: Recorded
) -> AsyncIterator[EasyInk]:
    """A client on the sandbox recording its spans and metrics in ``recorded``."""
    async with EasyInk(
        base_url=BASE,
        token=token,
        transport=transport,
        backoff_base=0.0,
        tracer_provider=recorded.tracer_provider,
        meter_provider=recorded.meter_provider,
        propagate_trace_context=True,
    ) as client:
        yield client
