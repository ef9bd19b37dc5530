"""Fixtures of the client tests: ``ei`` on the mock API (tests/conftest.py), no retry sleeps."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from easyink_ext import EasyInk
from easyink_ext import _transport as transport_module

from ..conftest import BASE_URL, TOKEN, MockAPI


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
