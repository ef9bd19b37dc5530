"""Same behaviour on both backends, over a real loopback socket (``_wire.WireAPI``).

Every test runs once with ``EasyInk(backend="httpx")`` and once with ``backend="aiohttp"``:
the retry policy's split between "never sent" and "may have been processed", exact request
accounting (no hidden replays by either HTTP library), typed errors, the retry budget, the
401 refresh, timeouts, the connection limit, cancellation and proxies.
"""

from __future__ import annotations

import gzip
import json
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import httpx
import pytest

from easyink_client.api.signing_session_drafts import create_draft, get_draft
from easyink_client.models import CreateDraftRequest
from easyink_ext import (
    APIConnectionError,
    APITimeoutError,
    EasyInk,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownConnectionError,
    OutcomeUnknownError,
    OutcomeUnknownServerError,
    OutcomeUnknownTimeoutError,
    RateLimitError,
    RetryBudget,
)
from easyink_ext._client import aiohttp_transport
from easyink_ext._limits import STREAM

from ..conftest import DRAFT, DRAFT_ID, TOKEN, Recorded, api_error
from ._wire import (
    DROP,
    DROP_UNREAD,
    GARBAGE,
    SHORT_BODY,
    STALL,
    STALL_BODY,
    TRICKLE,
    WireAPI,
)

pytestmark = pytest.mark.integration

OK_DRAFT = httpx.Response(200, json={"signingSessionId": DRAFT_ID})
# What the download helpers send: the answer's body is streamed, not read within the attempt.
STREAMED = {STREAM: True}
CREATED = httpx.Response(200, json=DRAFT_ID)


@pytest.fixture
async def wire() -> AsyncIterator[WireAPI]:
    async with WireAPI() as server:
        yield server


def client(wire_or_url: WireAPI | str, backend: str, **options: Any) -> EasyInk:
    url = wire_or_url if isinstance(wire_or_url, str) else wire_or_url.url
    settings: dict[str, Any] = {"backoff_base": 0.0, "backoff_max": 0.0, "timeout": 10.0}
    settings.update(options)
    return EasyInk(base_url=url, token=TOKEN, backend=backend, **settings)


def _create(ei: EasyInk) -> Any:
    return create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="wire"))


def _retry_reasons(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage().split("reason=")[1].split()[0]
        for r in caplog.records
        if r.getMessage().startswith("retry ")
    ]


# --- the POST policy: sent once unless provably never sent --------------------------------


async def test_post_read_then_dropped_is_outcome_unknown_and_reaches_the_server_once(
    wire: WireAPI, backend: str
) -> None:
    wire.steps = [DROP]
    async with client(wire, backend) as ei:
        with pytest.raises(OutcomeUnknownConnectionError) as info:
            await _create(ei)
    assert wire.count == 1
    assert wire.received[0].method == "POST" and wire.received[0].body == b'{"subject":"wire"}'
    assert "RemoteProtocolError" in str(info.value)


async def test_post_dropped_on_a_reused_keep_alive_connection_is_not_replayed(
    wire: WireAPI, backend: str
) -> None:
    wire.steps = [CREATED, DROP, CREATED]
    async with client(wire, backend) as ei:
        await _create(ei)  # opens the connection the next POST reuses
        with pytest.raises(OutcomeUnknownConnectionError):
            await _create(ei)
    assert wire.count == 2
    assert wire.connections == 1  # the dropped POST went over the reused connection


async def test_connection_the_server_closed_while_idle_is_never_reused(
    wire: WireAPI, backend: str
) -> None:
    """The server closes each connection right after answering: no POST may go out on it."""
    wire.close_after_answer = True
    async with client(wire, backend) as ei:
        for _ in range(20):
            assert str(await _create(ei)) == DRAFT_ID
    assert wire.count == 20 and wire.connections == 20


async def test_post_reset_while_uploading_is_outcome_unknown(wire: WireAPI, backend: str) -> None:
    wire.steps = [DROP_UNREAD]
    big = "x" * (4 * 1024 * 1024)
    async with client(wire, backend) as ei:
        with pytest.raises(OutcomeUnknownConnectionError):
            await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject=big[:200]))
        # A body the server never read: the head arrived, so the outcome is still unknown.
        with pytest.raises(OutcomeUnknownError):
            await ei.http_client.post("/upload", content=big.encode())
    assert wire.heads == 2


async def test_malformed_answer_to_a_post_is_outcome_unknown(wire: WireAPI, backend: str) -> None:
    wire.steps = [GARBAGE]
    async with client(wire, backend) as ei:
        with pytest.raises(OutcomeUnknownConnectionError):
            await _create(ei)
    assert wire.count == 1


async def test_post_read_timeout_is_outcome_unknown_and_sent_once(
    wire: WireAPI, backend: str
) -> None:
    wire.steps = [STALL]
    async with client(wire, backend, timeout=httpx.Timeout(10.0, read=0.2)) as ei:
        with pytest.raises(OutcomeUnknownTimeoutError) as info:
            await _create(ei)
    assert wire.count == 1
    assert "ReadTimeout" in str(info.value)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_refused_connection_post_is_retried_and_never_ambiguous(
    backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="easyink")
    async with client(f"http://127.0.0.1:{_closed_port()}", backend) as ei:
        with pytest.raises(APIConnectionError) as info:
            await _create(ei)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert _retry_reasons(caplog) == ["ConnectError", "ConnectError"]


@pytest.fixture
def full_backlog() -> Iterator[str]:
    """A listening socket whose accept queue is full: new connections never complete."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    try:
        for _ in range(4):  # backlog 0 still queues one or two: fill them
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
            fillers.append(filler)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


async def test_connect_timeout_post_is_retried_and_never_ambiguous(
    full_backlog: str, backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="easyink")
    async with client(full_backlog, backend, timeout=httpx.Timeout(10.0, connect=0.2)) as ei:
        with pytest.raises(APITimeoutError) as info:
            await _create(ei)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert "ConnectTimeout" in str(info.value)
    assert _retry_reasons(caplog) == ["ConnectTimeout", "ConnectTimeout"]


# --- idempotent requests: retried, and counted exactly -------------------------------------


@pytest.mark.parametrize("fault", [DROP, GARBAGE, STALL])
async def test_get_is_retried_exactly_max_retries_times(
    wire: WireAPI, backend: str, fault: str
) -> None:
    wire.steps = [fault]
    async with client(wire, backend, timeout=httpx.Timeout(10.0, read=0.2)) as ei:
        with pytest.raises(APIConnectionError) as info:
            await get_draft.asyncio(DRAFT, client=ei.client)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert isinstance(info.value, APITimeoutError) == (fault == STALL)
    assert wire.count == 3  # first attempt + 2 retries, no replay hidden by the library


async def test_get_recovers_after_a_drop(wire: WireAPI, backend: str) -> None:
    wire.steps = [DROP, OK_DRAFT]
    async with client(wire, backend) as ei:
        answer = await ei.http_client.get(f"/api/signingSessionDrafts/{DRAFT_ID}")
    assert answer.json() == {"signingSessionId": DRAFT_ID}
    assert wire.count == 2


# --- answers: typed errors, 429, 5xx, budget, 401 refresh ----------------------------------


async def test_typed_errors_and_status_policy(wire: WireAPI, backend: str) -> None:
    async with client(wire, backend) as ei:
        wire.steps = [api_error(404, "NotFound", "The specified draft was not found.")]
        with pytest.raises(NotFoundError) as missing:
            await get_draft.asyncio(DRAFT, client=ei.client)
        assert (missing.value.code, missing.value.message) == (
            "NotFound",
            "The specified draft was not found.",
        )
        assert wire.count == 1

        wire.steps = [api_error(503, "InternalServerError", "busy")]
        with pytest.raises(OutcomeUnknownServerError):
            await _create(ei)
        assert wire.count == 2  # a POST answered 5xx is not replayed

        with pytest.raises(InternalServerError) as busy:
            await get_draft.asyncio(DRAFT, client=ei.client)
        assert not isinstance(busy.value, OutcomeUnknownError)
        assert wire.count == 5  # a GET is: 1 + 2 retries

        wire.steps = [
            api_error(429, "TooManyRequests", "slow down", headers={"Retry-After": "0"}),
            CREATED,
        ]
        assert str(await _create(ei)) == DRAFT_ID
        assert wire.count == 7  # a POST answered 429 is replayed

        wire.steps = [api_error(429, "TooManyRequests", "slow down")]
        with pytest.raises(RateLimitError):
            await _create(ei)
        assert wire.count == 10


async def test_empty_retry_budget_stops_retrying(wire: WireAPI, backend: str) -> None:
    wire.steps = [DROP]
    async with client(wire, backend, retry_budget=RetryBudget(capacity=0)) as ei:
        with pytest.raises(APIConnectionError):
            await get_draft.asyncio(DRAFT, client=ei.client)
    assert wire.count == 1


class _RotatingToken:
    def __init__(self) -> None:
        self.tokens = ["first-token-value", "second-token-value"]
        self.invalidated: list[str] = []

    async def get_token(self) -> str:
        return self.tokens[0]

    def invalidate(self, token: str) -> None:
        self.invalidated.append(token)
        if self.tokens[0] == token and len(self.tokens) > 1:
            self.tokens.pop(0)


async def test_401_refreshes_the_token_and_replays_once(wire: WireAPI, backend: str) -> None:
    provider = _RotatingToken()
    wire.steps = [api_error(401, "Unauthorized", "expired"), CREATED]
    async with EasyInk(base_url=wire.url, token_provider=provider, backend=backend) as ei:
        assert str(await _create(ei)) == DRAFT_ID
    assert [r.headers["authorization"] for r in wire.received] == [
        "Bearer first-token-value",
        "Bearer second-token-value",
    ]
    assert wire.received[0].body == wire.received[1].body
    assert provider.invalidated == ["first-token-value"]


# --- bodies: streaming, cut short, stalled -------------------------------------------------


async def test_body_cut_short_or_stalled_raises_the_same_errors(
    wire: WireAPI, backend: str
) -> None:
    async with client(wire, backend, timeout=httpx.Timeout(10.0, read=0.2)) as ei:
        wire.steps = [SHORT_BODY]
        with pytest.raises(APIConnectionError) as cut:
            await ei.http_client.get("/short")
        assert "RemoteProtocolError" in str(cut.value)
        assert not isinstance(cut.value, (APITimeoutError, OutcomeUnknownError))
        cut_requests = wire.count
        wire.steps = [STALL_BODY]
        with pytest.raises(APITimeoutError) as stalled:
            await ei.http_client.get("/stalled")
        assert "ReadTimeout" in str(stalled.value)
    assert (cut_requests, wire.count) == (3, 6)  # each GET: 1 + 2 retries


async def test_whole_attempt_deadline_bounds_a_trickling_answer(
    wire: WireAPI, backend: str
) -> None:
    """Each byte comes well within the read timeout; the attempt as a whole does not."""
    wire.steps = [TRICKLE]
    async with client(wire, backend, timeout=0.3) as ei:
        with pytest.raises(APITimeoutError) as slow_get:
            await ei.http_client.get("/trickle")
        assert wire.count == 3  # a GET: retried like a read timeout
        with pytest.raises(OutcomeUnknownTimeoutError) as slow_post:
            await _create(ei)
        assert wire.count == 4  # a POST: not replayed
    for error in (slow_get.value, slow_post.value):
        assert "no complete answer within the 0.3 s timeout" in str(error)


async def test_streamed_answer_arrives_in_pieces_and_closing_frees_the_connection(
    wire: WireAPI, backend: str
) -> None:
    body = bytes(range(256)) * 4096  # 1 MiB
    wire.steps = [httpx.Response(200, content=body)]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with client(wire, backend, limits=limits, **_one_pool(backend)) as ei:
        async with ei.http_client.stream("GET", "/big", extensions=STREAMED) as answer:
            pieces = [len(chunk) async for chunk in answer.aiter_raw()]
        assert sum(pieces) == len(body) and len(pieces) > 1
        async with ei.http_client.stream("GET", "/big", extensions=STREAMED) as answer:
            first = await answer.aiter_raw().__anext__()
            assert first  # closed after one piece: the connection is not reused dirty
        answer = await ei.http_client.get("/big")
        assert answer.content == body
    assert wire.count == 3


async def test_encoded_empty_and_head_answers_read_the_same(wire: WireAPI, backend: str) -> None:
    payload = {"signingSessionId": DRAFT_ID, "subject": "é" * 50}
    wire.steps = [
        httpx.Response(
            200,
            content=gzip.compress(json.dumps(payload).encode()),
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        ),
        httpx.Response(204),
        httpx.Response(200, headers={"ETag": '"v1"'}),
    ]
    async with client(wire, backend) as ei:
        encoded = await ei.http_client.get("/encoded")
        assert encoded.json() == payload  # decoded once, by httpx
        empty = await ei.http_client.delete("/empty")
        assert (empty.status_code, empty.content) == (204, b"")
        head = await ei.http_client.head("/head")
        assert (head.status_code, head.headers["etag"], head.content) == (200, '"v1"', b"")
    assert [r.method for r in wire.received] == ["GET", "DELETE", "HEAD"]


def _one_pool(backend: str) -> dict[str, Any]:
    return {"pool_shards": 1} if backend == "httpx" else {}


# --- the connection limit and cancellation -------------------------------------------------


async def test_pool_timeout_is_never_sent_and_the_slot_comes_back(
    wire: WireAPI, backend: str
) -> None:
    wire.steps = [httpx.Response(200, content=b"x" * 100), CREATED]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    timeout = httpx.Timeout(10.0, pool=0.1)
    async with client(
        wire, backend, limits=limits, timeout=timeout, max_retries=0, **_one_pool(backend)
    ) as ei:
        async with ei.http_client.stream("GET", "/held", extensions=STREAMED):
            with pytest.raises(APITimeoutError) as info:
                await _create(ei)
            assert not isinstance(info.value, OutcomeUnknownError)
            assert "PoolTimeout" in str(info.value)
            assert wire.count == 1  # the POST never left
        assert str(await _create(ei)) == DRAFT_ID  # the held connection was given back
    assert wire.count == 2


async def test_cancelled_request_gives_its_connection_back(wire: WireAPI, backend: str) -> None:
    wire.steps = [STALL, CREATED]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with client(wire, backend, limits=limits, **_one_pool(backend)) as ei:
        async with anyio.create_task_group() as tg:
            tg.start_soon(_create, ei)
            await wire.request_seen.wait()
            tg.cancel_scope.cancel()
        assert str(await _create(ei)) == DRAFT_ID
    assert wire.count == 2


# --- proxies -------------------------------------------------------------------------------


async def test_http_proxy_is_honoured(wire: WireAPI, backend: str) -> None:
    proxy = httpx.Proxy(wire.url, auth=("proxy-user", "proxy-pass"))
    transport: httpx.AsyncBaseTransport = (
        httpx.AsyncHTTPTransport(proxy=proxy)
        if backend == "httpx"
        else aiohttp_transport(proxy=proxy)
    )
    wire.steps = [OK_DRAFT]
    # api.test is never resolved by the client: the proxy gets the absolute URL.
    async with EasyInk(base_url="http://api.test", token=TOKEN, transport=transport) as ei:
        answer = await ei.http_client.get(f"/api/signingSessionDrafts/{DRAFT_ID}")
    assert answer.json() == {"signingSessionId": DRAFT_ID}
    (seen,) = wire.received
    assert seen.target == f"http://api.test/api/signingSessionDrafts/{DRAFT_ID}"
    assert seen.headers["proxy-authorization"].startswith("Basic ")
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"


# --- telemetry ---------------------------------------------------------------------------


async def test_spans_name_the_same_failures(
    wire: WireAPI, backend: str, recorded: Recorded
) -> None:
    draft = {"signingSessionId": DRAFT_ID, "isLocked": False, "documents": []}
    wire.steps = [DROP, httpx.Response(200, json=draft)]
    async with client(
        wire,
        backend,
        tracer_provider=recorded.tracer_provider,
        meter_provider=recorded.meter_provider,
    ) as ei:
        await get_draft.asyncio(DRAFT, client=ei.client)
        wire.steps = [DROP]
        with pytest.raises(OutcomeUnknownConnectionError):
            await _create(ei)
    dropped, recovered, post = recorded.spans("GET") + recorded.spans("POST")
    assert dropped.attributes["error.type"] == "RemoteProtocolError"
    assert recovered.attributes["http.response.status_code"] == 200
    assert post.attributes["error.type"] == "RemoteProtocolError"
    assert recorded.span("EasyInk.createDraft").attributes["easyink.outcome_unknown"] is True


async def test_both_backends_send_the_same_headers() -> None:
    """aiohttp adds none of its own (no octet-stream Content-Type for a request without one)."""
    sent: dict[str, list[dict[str, str]]] = {}
    for backend in ("httpx", "aiohttp"):
        async with WireAPI() as wire:
            wire.steps = [httpx.Response(200, json=DRAFT_ID)] * 4
            async with client(wire, backend) as ei:
                await _create(ei)  # JSON
                await ei.http_client.post("/convert")  # no body
                await ei.http_client.post("/raw", content=b"\x00\x01")  # a body, no type
                await ei.http_client.get("/read", headers={"X-Extra": "1"})
            assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in wire.received)
            # The port differs; the token is checked above (kept out of assertion messages).
            sent[backend] = [
                {k: v for k, v in r.headers.items() if k not in ("host", "authorization")}
                for r in wire.received
            ]
    assert sent["aiohttp"] == sent["httpx"]
    json_post, bodiless, raw, read = sent["httpx"]
    assert json_post["content-type"] == "application/json"
    assert "content-type" not in bodiless and "content-type" not in raw
    assert read["x-extra"] == "1"
