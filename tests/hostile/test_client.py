"""What a hostile or broken server can make the client do: bounded time, memory and trust."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx
import pytest

from easyink_client.api.signing_sessions import get_session
from easyink_ext import EasyInk
from easyink_ext._answers import parsed_answer
from easyink_ext.downloads import download_signed_document
from easyink_ext.errors import (
    MAX_INNER_ERRORS,
    MAX_MESSAGE,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    ResponseTooLargeError,
    UnexpectedRedirectError,
)

from ._server import (
    Behaviour,
    HostileServer,
    answer,
    echo_token,
    endless_chunked,
    json_answer,
    redirect,
    slow_headers,
    slow_loris,
)

SESSION = uuid.uuid4()
SESSION_PATH = f"/api/signingSessions/{SESSION}"
TOKEN = "hostile-test-token-5e1f0c"


def _client(server: HostileServer, *, backend: str, **kwargs: object) -> EasyInk:
    options: dict[str, object] = {"timeout": 2, "max_retries": 0, "backend": backend, **kwargs}
    return EasyInk(base_url=server.url, token=TOKEN, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("trickle", [slow_loris, slow_headers], ids=["body", "headers"])
async def test_one_byte_per_second_ends_in_a_timeout(
    hostile: HostileServer, trickle: Callable[..., Behaviour], backend: str
) -> None:
    hostile.behave(trickle(interval=0.5), SESSION_PATH)
    with anyio.fail_after(30):  # generous outer bound: the call itself must end by its timeout
        async with _client(hostile, backend=backend) as ei:
            with pytest.raises(APITimeoutError, match="2 s timeout"):
                await get_session.asyncio(SESSION, client=ei.client)


async def test_a_trickling_download_fails_the_rate_floor(
    hostile: HostileServer, tmp_path: Path, backend: str
) -> None:
    document = uuid.uuid4()
    hostile.behave(slow_loris(interval=0.2), f"{SESSION_PATH}/signedDocuments/{document}")
    dest = tmp_path / "signed.pdf"
    with anyio.fail_after(30):
        async with _client(
            hostile, backend=backend, min_download_rate=1000, download_rate_window=0.5
        ) as ei:
            with pytest.raises(APIConnectionError, match="min_download_rate"):
                await download_signed_document(
                    ei, SESSION, document, dest, max_attempts=2, backoff=0
                )
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []  # noqa: ASYNC240 - a check after the call


@pytest.mark.parametrize("status", [200, 500])
async def test_an_endless_body_stops_at_the_cap(
    hostile: HostileServer, status: int, backend: str
) -> None:
    hostile.behave(endless_chunked(status), SESSION_PATH)
    with anyio.fail_after(30):
        async with _client(hostile, backend=backend, max_response_bytes=1 << 20, timeout=20) as ei:
            expected = ResponseTooLargeError if status == 200 else InternalServerError
            with pytest.raises(expected) as caught:
                await get_session.asyncio(SESSION, client=ei.client)
    assert len(str(caught.value)) < 2000


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>surprise</html>", "not usable JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"signingSessionId": ' + b"7" * 100_000 + b"}", "a number with 100000"),
    ],
    ids=["not-json", "deep-nesting", "huge-number"],
)
async def test_undecodable_answers_raise_one_typed_error(
    hostile: HostileServer, body: bytes, reason: str, backend: str
) -> None:
    hostile.behave(answer(200, body), SESSION_PATH)
    async with _client(hostile, backend=backend) as ei:
        with pytest.raises(APIResponseValidationError, match=reason) as caught:
            await get_session.asyncio(SESSION, client=ei.client)
    assert caught.value.status_code == 200
    assert caught.value.operation == f"GET {SESSION_PATH}"


@pytest.mark.parametrize(
    "doc",
    [{"unexpected": "shape"}, [1, 2, 3], {"signingSessionId": 5, "status": None}, "text"],
    ids=["missing-keys", "list", "wrong-types", "string"],
)
async def test_wrong_shaped_answers_raise_one_typed_error(
    hostile: HostileServer, doc: object, backend: str
) -> None:
    hostile.behave(json_answer(doc), SESSION_PATH)
    async with _client(hostile, backend=backend) as ei:
        with (
            pytest.raises(APIResponseValidationError, match=r"^getSession: "),
            parsed_answer("getSession"),
        ):
            await get_session.asyncio(SESSION, client=ei.client)


def _page(item: dict[str, object]) -> dict[str, object]:
    """A search page claiming a billion pages."""
    return {
        "items": [item],
        "pagesCount": 10**9,
        "totalItemsCount": 10**9,
        "pageIndex": 0,
        "pageSize": 1,
    }


async def test_endless_pagination_stops_when_nothing_is_new(
    hostile: HostileServer, backend: str
) -> None:
    item = {
        "id": str(uuid.uuid4()),
        "subject": "same",
        "status": "Draft",
        "created": "2026-01-01T00:00:00+00:00",
    }
    hostile.behave(
        json_answer(_page(item)),
        "/api/signingSessions",
    )
    async with _client(hostile, backend=backend) as ei:
        found = [s async for s in ei.iter_sessions()]
    assert [str(s.id) for s in found] == [item["id"]]
    assert len(hostile.requests) == 2


async def test_pages_are_capped(hostile: HostileServer, backend: str) -> None:
    counter = iter(range(10**6))

    async def fresh(request, writer):  # type: ignore[no-untyped-def]
        n = next(counter)
        item = {
            "id": str(uuid.UUID(int=n + 1)),
            "status": "Draft",
            "created": "2026-01-01T00:00+00:00",
        }
        await json_answer(_page(item))(request, writer)

    hostile.behave(fresh, "/api/signingSessions")
    async with _client(hostile, backend=backend) as ei:
        found = [s async for s in ei.iter_sessions(max_pages=5)]
    assert len(found) == 5
    assert len(hostile.requests) == 5


async def test_echoed_tokens_are_redacted_and_messages_bounded(
    hostile: HostileServer, backend: str
) -> None:
    hostile.behave(echo_token(401, padding=30_000), SESSION_PATH)
    async with _client(hostile, backend=backend) as ei:
        with pytest.raises(AuthenticationError) as caught:
            await get_session.asyncio(SESSION, client=ei.client)
        with pytest.raises(AuthenticationError) as in_url:
            await ei.http_client.get(f"{SESSION_PATH}?echo={TOKEN}")
    error = caught.value
    assert TOKEN not in str(error) and TOKEN not in repr(error.inner_errors)
    assert TOKEN not in str(in_url.value) and TOKEN not in in_url.value.url
    assert len(error.message) <= MAX_MESSAGE + 3
    assert len(error.inner_errors) == MAX_INNER_ERRORS
    assert len(str(error)) < 20_000


async def test_a_huge_error_body_is_cut_and_still_redacted(
    hostile: HostileServer, backend: str
) -> None:
    hostile.behave(echo_token(500, padding=5_000_000), SESSION_PATH)
    async with _client(hostile, backend=backend) as ei:
        with pytest.raises(InternalServerError) as caught:
            await get_session.asyncio(SESSION, client=ei.client)
    assert TOKEN not in str(caught.value)
    assert len(str(caught.value)) < 1000


async def test_a_redirect_is_reported_as_such(hostile: HostileServer, backend: str) -> None:
    hostile.behave(redirect("https://elsewhere.example/login?code=SECRETCODE"), SESSION_PATH)
    async with _client(hostile, backend=backend) as ei:
        with pytest.raises(UnexpectedRedirectError) as caught:
            await get_session.asyncio(SESSION, client=ei.client)
    error = caught.value
    assert error.status_code == 302 and error.location_host == "elsewhere.example"
    assert "302" in str(error) and "elsewhere.example" in str(error)
    assert "SECRETCODE" not in str(error) and "/login" not in str(error)
    assert len(hostile.requests) == 1


def test_plain_http_off_loopback_is_refused() -> None:
    with pytest.raises(ValueError, match="allow_insecure_http"):
        EasyInk(base_url="http://api.easyink.io", token="t")
    with pytest.raises(ValueError, match="allow_insecure_http"):
        EasyInk(base_url="http://10.0.0.8:8765", token="t")
    EasyInk(base_url="http://api.easyink.io", token="t", allow_insecure_http=True)
    EasyInk(base_url="http://127.0.0.1:8765", token="t")
    EasyInk(base_url="http://localhost:8765", token="t")
    EasyInk(base_url="https://api.easyink.io", token="t")


async def test_a_mocked_http_transport_is_not_network(hostile: HostileServer) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=str(SESSION)))
    async with EasyInk(base_url="http://api.easyink.io", token="t", transport=transport) as ei:
        response = await ei.http_client.get("/x")
    assert json.loads(response.content) == str(SESSION)
