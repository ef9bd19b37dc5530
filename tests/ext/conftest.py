"""Fixtures for the easyink_ext tests: a scriptable mock API and fast retry settings."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
import pytest

from easyink_ext import EasyInk
from easyink_ext import _transport as transport_module

TOKEN = "tok-0123456789-secret-value"
DRAFT_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
DRAFT = UUID(DRAFT_ID)
OTHER_ID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
BASE_URL = "http://api.test"

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def api_error(
    status: int,
    code: str,
    message: str,
    *,
    inner: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """An ApiErrorResponse answer."""
    body = {"error": {"code": code, "message": message, "innerErrors": inner}}
    return httpx.Response(status, json=body, headers=headers)


@dataclass
class MockAPI:
    """Answers requests from a script (one step per request; the last one repeats)."""

    steps: list[Step] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.read())
        if not self.steps:
            return httpx.Response(200, json=DRAFT_ID)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return httpx.Response(step.status_code, headers=step.headers, content=step.content)
        return step(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    @property
    def count(self) -> int:
        return len(self.requests)


@pytest.fixture
def api() -> MockAPI:
    return MockAPI()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record retry delays instead of sleeping."""
    recorded: list[float] = []

    async def fake_sleep(delay: float) -> None:
        recorded.append(delay)

    monkeypatch.setattr(transport_module, "_sleep", fake_sleep)
    return recorded


@pytest.fixture
async def ei(api: MockAPI, sleeps: list[float]) -> AsyncIterator[EasyInk]:
    async with EasyInk(base_url=BASE_URL, token=TOKEN, transport=api.transport()) as client:
        yield client


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def pool_of(ei: EasyInk) -> httpx.AsyncBaseTransport:
    """The transport ``ei`` sends through (under the attempt-span wrapper of easyink_ext._otel)."""
    from easyink_ext._otel import AttemptTransport

    inner = ei._core._inner
    return inner.inner if isinstance(inner, AttemptTransport) else inner
