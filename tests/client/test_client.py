"""EasyInk: one pool, views sharing it, ownership of clients, pagination, logging."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import httpx
import pytest

from easyink_client import AuthenticatedClient
from easyink_client.api.signing_session_drafts import create_draft
from easyink_client.api.signing_sessions import session_exists
from easyink_client.models import CreateDraftRequest
from easyink_ext import (
    PRODUCTION_BASE_URL,
    SANDBOX_BASE_URL,
    STAGING_BASE_URL,
    BadRequestError,
    EasyInk,
    InternalServerError,
    sort_by,
)
from easyink_ext.pagination import PropertySorting, SortableProperty, sorting_to_query

from .._secrets import assert_no_secret
from ..conftest import BASE_URL, DRAFT_ID, TOKEN, MockAPI, api_error


def test_constants() -> None:
    assert PRODUCTION_BASE_URL == "https://api.easyink.io"
    assert STAGING_BASE_URL == "https://api-staging.easyink.io"
    assert SANDBOX_BASE_URL == "http://127.0.0.1:8765"


async def test_client_is_generated_client_with_bearer(api: MockAPI, ei: EasyInk) -> None:
    assert isinstance(ei.client, AuthenticatedClient)
    await session_exists.asyncio_detailed(UUID(DRAFT_ID), client=ei.client)
    request = api.requests[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["User-Agent"].startswith("easyink-python/")
    assert_no_secret(repr(ei) + repr(ei.client), TOKEN)


def test_token_and_provider_are_exclusive() -> None:
    with pytest.raises(ValueError, match="either token or token_provider"):
        EasyInk(base_url=BASE_URL, token="a", token_provider=object())  # type: ignore[arg-type]


async def test_with_options_shares_pool_and_budget(api: MockAPI, ei: EasyInk) -> None:
    view = ei.with_options(timeout=2.5, max_retries=0)
    assert view.timeout.read == 2.5 and ei.timeout.read == 30.0
    assert view.retry_policy.max_retries == 0 and ei.retry_policy.max_retries == 2
    assert view.retry_budget is ei.retry_budget
    assert view.client is not ei.client
    api.steps = [api_error(503, "InternalServerError", "busy")]
    with pytest.raises(InternalServerError):
        await session_exists.asyncio_detailed(UUID(DRAFT_ID), client=view.client)
    assert api.count == 1
    await view.aclose()  # a view does not own the pool: the parent keeps working
    api.steps = [httpx.Response(200)]
    await session_exists.asyncio_detailed(UUID(DRAFT_ID), client=ei.client)
    assert api.requests[-1].extensions["timeout"]["read"] == 30.0


async def test_view_timeout_reaches_the_request(api: MockAPI, ei: EasyInk) -> None:
    await session_exists.asyncio_detailed(
        UUID(DRAFT_ID), client=ei.with_options(timeout=1.5).client
    )
    assert api.requests[0].extensions["timeout"]["read"] == 1.5


async def test_caller_http_client_is_used_and_left_open(api: MockAPI) -> None:
    async with httpx.AsyncClient(transport=api.transport()) as mine:
        async with EasyInk(base_url=BASE_URL, token=TOKEN, http_client=mine) as ei:
            assert (
                str(await create_draft.asyncio(client=ei.client, body=CreateDraftRequest()))
                == DRAFT_ID
            )
        assert not mine.is_closed
        response = await mine.get(f"{BASE_URL}/other")
        assert response.status_code == 200
    assert api.count == 2


async def test_owned_transport_is_closed() -> None:
    closed: list[bool] = []

    class Closing(httpx.MockTransport):
        async def aclose(self) -> None:
            closed.append(True)

    async with EasyInk(base_url=BASE_URL, transport=Closing(lambda r: httpx.Response(200))):
        pass
    assert closed == [True]


async def test_client_and_views_refuse_to_send_after_close(api: MockAPI) -> None:
    ei = EasyInk(base_url=BASE_URL, token=TOKEN, transport=api.transport())
    view = ei.with_options(max_retries=0)
    await ei.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await session_exists.asyncio_detailed(UUID(DRAFT_ID), client=ei.client)
    with pytest.raises(RuntimeError, match="EasyInk client is closed"):
        await session_exists.asyncio_detailed(UUID(DRAFT_ID), client=view.client)
    assert api.count == 0


def test_sorting_serialisation() -> None:
    rules: list[Any] = [
        sort_by("created", descending=True),
        PropertySorting(property_name=SortableProperty.STATUS),
        "subject:asc",
    ]
    assert sorting_to_query(rules) == ["created:desc", "status", "subject:asc"]


def _page(index: int, pages: int, size: int, total: int) -> dict[str, Any]:
    items = [
        {
            "id": str(UUID(int=index * size + i + 1)),
            "created": "2026-01-01T00:00:00Z",
            "status": "Draft",
            "subject": f"s{index * size + i}",
        }
        for i in range(min(size, total - index * size))
    ]
    return {
        "items": items,
        "totalItemsCount": total,
        "pagesCount": pages,
        "pageIndex": index,
        "pageSize": size,
    }


async def test_iter_sessions_fetches_lazily(api: MockAPI, ei: EasyInk) -> None:
    def search(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params["pageIndex"])
        return httpx.Response(200, json=_page(index, pages=3, size=2, total=5))

    api.steps = [search]
    iterator = ei.iter_sessions(statuses=["Draft"], sorting=["created:desc"], page_size=2)
    first = await iterator.__anext__()
    assert first.subject == "s0"
    assert api.count == 1
    rest = [item.subject async for item in iterator]
    assert rest == ["s1", "s2", "s3", "s4"]
    assert api.count == 3
    params = api.requests[0].url.params
    assert params.get_list("statuses") == ["Draft"]
    assert params.get_list("sorting.properties") == ["created:desc"]
    assert params["pageSize"] == "2"


async def test_search_pages_stops_on_empty(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [httpx.Response(200, json=_page(0, pages=0, size=20, total=0))]
    pages = [page async for page in ei.search_pages()]
    assert len(pages) == 1 and pages[0].items == []


async def test_debug_log_lines_and_redaction(
    api: MockAPI, ei: EasyInk, caplog: pytest.LogCaptureFixture
) -> None:
    api.steps = [api_error(503, "InternalServerError", f"echo Bearer {TOKEN}"), httpx.Response(200)]
    with caplog.at_level(logging.DEBUG, logger="easyink"):
        await session_exists.asyncio_detailed(UUID(DRAFT_ID), client=ei.client)
    lines = [r.getMessage() for r in caplog.records if r.name == "easyink"]
    path = f"/api/signingSessions/{DRAFT_ID}"
    assert lines[0] == f"request HEAD {path} attempt=1"
    assert lines[1].startswith(f"response HEAD {path} status=503 attempt=1 elapsed=")
    assert lines[2].startswith(f"retry HEAD {path} reason=503 attempt=1 sleep=")
    assert lines[3] == f"request HEAD {path} attempt=2"
    assert lines[4].startswith(f"response HEAD {path} status=200 attempt=2")
    assert_no_secret(caplog.text, TOKEN)


async def test_error_text_is_redacted(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [api_error(400, "ValidationError", f"bad token Bearer {TOKEN}")]
    with pytest.raises(BadRequestError) as info:
        await session_exists.asyncio_detailed(UUID(DRAFT_ID), client=ei.client)
    assert_no_secret(str(info.value), TOKEN)
    assert "[REDACTED]" in str(info.value)


async def test_proxy_environment_does_not_bypass_the_transport(
    api: MockAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    async with EasyInk(base_url=BASE_URL, token=TOKEN, transport=api.transport()) as ei:
        await session_exists.asyncio_detailed(
            UUID(DRAFT_ID), client=ei.with_options(timeout=2).client
        )
    assert api.count == 1
