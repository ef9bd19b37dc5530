"""The retry policy: what is retried, what raises OutcomeUnknownError, timing and budget."""

from __future__ import annotations

import email.utils
import io
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from easyink_client.api.signing_session_drafts import (
    create_draft,
    delete_draft,
    get_draft,
    update_draft,
    upload_draft_document,
)
from easyink_client.models.create_draft_request import CreateDraftRequest
from easyink_client.models.update_draft_request import UpdateDraftRequest
from easyink_client.models.upload_draft_document_body import UploadDraftDocumentBody
from easyink_client.types import File
from easyink_ext import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    EasyInk,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    RetryBudget,
    RetryPolicy,
)
from easyink_ext._retry import parse_retry_after

from ..conftest import BASE_URL, DRAFT, DRAFT_ID, TOKEN, MockAPI, api_error

OK = httpx.Response(200, json=DRAFT_ID)
E503 = api_error(503, "InternalServerError", "busy")
E500 = api_error(500, "InternalServerError", "boom")


def _create(ei: EasyInk, subject: str = "s") -> Any:
    return create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject=subject))


async def _get(ei: EasyInk) -> httpx.Response:
    """A getDraft request whose answer is not parsed (the mock answers minimal bodies)."""
    return await ei.http_client.get(f"/api/signingSessionDrafts/{DRAFT_ID}")


# --- idempotent methods -------------------------------------------------------------------


_TRANSIENT: list[httpx.Response | Exception] = [
    E503,
    E500,
    httpx.Response(502),
    httpx.Response(504),
    httpx.Response(408),
    api_error(429, "TooManyRequests", "slow down"),
    httpx.ConnectError("refused"),
    httpx.ConnectTimeout("no"),
    httpx.ReadTimeout("slow"),
    httpx.WriteTimeout("slow"),
    httpx.RemoteProtocolError("Server disconnected without sending a response."),
    httpx.ReadError("reset"),
]


def _failure_id(failure: object) -> str:
    if isinstance(failure, httpx.Response):
        return str(failure.status_code)
    return type(failure).__name__


@pytest.mark.parametrize("failure", _TRANSIENT, ids=_failure_id)
async def test_get_is_retried_after_transient_failures(
    api: MockAPI, ei: EasyInk, failure: httpx.Response | Exception
) -> None:
    api.steps = [failure, httpx.Response(200, json={"signingSessionId": DRAFT_ID}), OK]
    await _get(ei)
    assert api.count == 2


async def test_get_gives_up_after_max_retries(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [E503]
    with pytest.raises(InternalServerError) as info:
        await get_draft.asyncio(DRAFT, client=ei.client)
    assert api.count == 3  # first attempt + 2 retries (the default)
    assert not isinstance(info.value, OutcomeUnknownError)


async def test_get_timeout_after_retries_is_api_timeout(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [httpx.ReadTimeout("slow")]
    with pytest.raises(APITimeoutError) as info:
        await get_draft.asyncio(DRAFT, client=ei.client)
    assert api.count == 3
    assert not isinstance(info.value, OutcomeUnknownError)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_client_errors_are_not_retried(api: MockAPI, ei: EasyInk, status: int) -> None:
    api.steps = [api_error(status, "X", "no")]
    with pytest.raises(APIStatusError) as info:
        await get_draft.asyncio(DRAFT, client=ei.client)
    assert info.value.status_code == status
    assert api.count == 1


async def test_put_is_retried_after_500(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [E500, httpx.Response(200)]
    await update_draft.asyncio_detailed(
        DRAFT, client=ei.client, body=UpdateDraftRequest(subject="x")
    )
    assert api.count == 2
    assert api.bodies[0] == api.bodies[1]


async def test_max_retries_zero_view(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [E503]
    with pytest.raises(InternalServerError):
        await get_draft.asyncio(DRAFT, client=ei.with_options(max_retries=0).client)
    assert api.count == 1


@pytest.mark.parametrize("failure", _TRANSIENT, ids=_failure_id)
@pytest.mark.parametrize("method", ["HEAD", "PUT", "DELETE"])
async def test_other_idempotent_methods_follow_the_get_policy(
    api: MockAPI, ei: EasyInk, sleeps: list[float], method: str, failure: object
) -> None:
    """docs/client.md: GET, HEAD, PUT and DELETE are retried after every transient failure."""
    api.steps = [failure, failure, httpx.Response(200)]  # type: ignore[list-item]
    response = await ei.http_client.request(
        method, f"/api/signingSessionDrafts/{DRAFT_ID}", json={} if method == "PUT" else None
    )
    assert response.status_code == 200
    assert api.count == 3  # first attempt + the 2 default retries, all of them counted
    assert len(sleeps) == 2
    assert {r.method for r in api.requests} == {method}


@pytest.mark.parametrize("method", ["HEAD", "PUT", "DELETE"])
async def test_other_idempotent_methods_give_up_after_max_retries(
    api: MockAPI, ei: EasyInk, method: str
) -> None:
    api.steps = [E503]
    with pytest.raises(InternalServerError) as info:
        await ei.http_client.request(
            method, f"/api/signingSessionDrafts/{DRAFT_ID}", json={} if method == "PUT" else None
        )
    assert api.count == 3
    assert not isinstance(info.value, OutcomeUnknownError)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
@pytest.mark.parametrize("method", ["HEAD", "PUT", "DELETE", "POST"])
async def test_client_errors_are_never_retried_whatever_the_method(
    api: MockAPI, ei: EasyInk, method: str, status: int
) -> None:
    api.steps = [api_error(status, "X", "no"), httpx.Response(200, json=DRAFT_ID)]
    with pytest.raises(APIStatusError) as info:
        await ei.http_client.request(method, f"/api/signingSessionDrafts/{DRAFT_ID}/x")
    assert info.value.status_code == status
    assert not isinstance(info.value, OutcomeUnknownError)
    assert api.count == 1


async def test_post_gives_up_after_max_retries_when_never_connected(
    api: MockAPI, ei: EasyInk, sleeps: list[float]
) -> None:
    api.steps = [httpx.ConnectError("refused")]
    with pytest.raises(APIConnectionError) as info:
        await _create(ei)
    assert api.count == 3
    assert len(sleeps) == 2
    assert not isinstance(info.value, OutcomeUnknownError)


async def test_post_429_without_retry_after_uses_backoff_and_gives_up(
    api: MockAPI, ei: EasyInk, sleeps: list[float]
) -> None:
    api.steps = [api_error(429, "TooManyRequests", "later")]
    with pytest.raises(RateLimitError) as info:
        await _create(ei)
    assert api.count == 3
    assert info.value.retry_after is None
    assert len(sleeps) == 2
    assert all(0.0 <= d <= 1.0 for d in sleeps)  # default full-jitter ceilings 0.5 s, 1 s
    assert not isinstance(info.value, OutcomeUnknownError)


# --- POST ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("no"), httpx.PoolTimeout("busy")],
    ids=lambda f: type(f).__name__,
)
async def test_post_is_retried_when_never_sent(
    api: MockAPI, ei: EasyInk, failure: Exception
) -> None:
    api.steps = [failure, OK]
    assert str(await _create(ei)) == DRAFT_ID
    assert api.count == 2


async def test_post_is_retried_after_429_with_retry_after(
    api: MockAPI, ei: EasyInk, sleeps: list[float]
) -> None:
    api.steps = [api_error(429, "TooManyRequests", "later", headers={"Retry-After": "0.25"}), OK]
    assert str(await _create(ei)) == DRAFT_ID
    assert api.count == 2
    assert sleeps == [0.25]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_post_5xx_is_not_retried_and_outcome_unknown(
    api: MockAPI, ei: EasyInk, status: int
) -> None:
    api.steps = [api_error(status, "InternalServerError", "failed")]
    with pytest.raises(InternalServerError) as info:
        await _create(ei)
    assert api.count == 1
    assert isinstance(info.value, OutcomeUnknownError)
    assert info.value.status_code == status
    assert "outcome is unknown" in str(info.value)


@pytest.mark.parametrize(
    ("failure", "base"),
    [
        (httpx.ReadTimeout("slow"), APITimeoutError),
        (httpx.WriteTimeout("slow"), APITimeoutError),
        (httpx.RemoteProtocolError("Server disconnected"), APIConnectionError),
        (httpx.ReadError("reset"), APIConnectionError),
        (httpx.WriteError("broken pipe"), APIConnectionError),
    ],
    ids=lambda f: type(f).__name__ if isinstance(f, Exception) else f.__name__,
)
async def test_post_ambiguous_transport_failure_is_outcome_unknown(
    api: MockAPI, ei: EasyInk, failure: Exception, base: type[Exception]
) -> None:
    api.steps = [failure, OK]
    with pytest.raises(OutcomeUnknownError) as info:
        await _create(ei)
    assert api.count == 1
    assert isinstance(info.value, base)
    assert "reconcile" in str(info.value)


async def test_post_408_is_not_retried(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [httpx.Response(408), OK]
    with pytest.raises(APIStatusError) as info:
        await _create(ei)
    assert api.count == 1
    assert info.value.status_code == 408
    assert not isinstance(info.value, OutcomeUnknownError)


# --- DELETE after an ambiguous failure ---------------------------------------------------------


async def test_delete_404_after_ambiguous_retry_is_flagged(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [E503, api_error(404, "NotFound", "The draft was not found.")]
    with pytest.raises(NotFoundError) as info:
        await delete_draft.asyncio_detailed(DRAFT, client=ei.client)
    assert api.count == 2
    assert info.value.after_ambiguous_attempt is True
    assert "earlier attempt may have deleted it" in str(info.value)


async def test_delete_404_after_unsent_attempt_is_plain(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [httpx.ConnectError("refused"), api_error(404, "NotFound", "nope")]
    with pytest.raises(NotFoundError) as info:
        await delete_draft.asyncio_detailed(DRAFT, client=ei.client)
    assert info.value.after_ambiguous_attempt is False
    assert info.value.note is None


# --- uploads -----------------------------------------------------------------------------------


async def test_multipart_upload_is_replayed_identically(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [api_error(429, "TooManyRequests", "later"), OK]
    body = UploadDraftDocumentBody(
        file_content=File(payload=io.BytesIO(b"%PDF-1.4 data"), file_name="a.pdf")
    )
    await upload_draft_document.asyncio(DRAFT, client=ei.client, body=body)
    assert api.count == 2
    assert api.bodies[0] == api.bodies[1]
    assert b"%PDF-1.4 data" in api.bodies[1]


class _OneShot(io.RawIOBase):
    """A readable, non-seekable stream (like a pipe)."""

    def __init__(self, data: bytes) -> None:
        self._chunks: Iterator[bytes] = iter([data])

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return next(self._chunks, b"")


async def test_non_seekable_upload_is_not_replayed(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [api_error(429, "TooManyRequests", "later"), OK]
    body = UploadDraftDocumentBody(
        file_content=File(payload=_OneShot(b"%PDF-1.4"), file_name="a.pdf")  # type: ignore[arg-type]
    )
    with pytest.raises(RateLimitError):
        await upload_draft_document.asyncio(DRAFT, client=ei.client, body=body)
    assert api.count == 1


# --- timing ------------------------------------------------------------------------------------


def test_full_jitter_backoff_bounds() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=8.0)
    rng = random.Random(1)
    for retry in range(1, 10):
        ceiling = min(8.0, 0.5 * 2 ** (retry - 1))
        delays = [policy.delay(retry, None, rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # spread over the range, not a fixed value


def test_retry_after_is_capped() -> None:
    policy = RetryPolicy(max_retry_after=5.0)
    assert policy.delay(1, 120.0, random.Random()) == 5.0
    assert policy.delay(1, 2.0, random.Random()) == 2.0


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-1") is None
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(date, now=now) == pytest.approx(30.0)
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0


async def test_http_date_retry_after_is_honoured(
    api: MockAPI, ei: EasyInk, sleeps: list[float]
) -> None:
    date = email.utils.formatdate(usegmt=True)  # "now": wait ~0 s
    api.steps = [httpx.Response(503, headers={"Retry-After": date}), httpx.Response(200, json={})]
    await _get(ei)
    assert len(sleeps) == 1
    assert 0.0 <= sleeps[0] <= 1.0


async def test_backoff_used_without_retry_after(sleeps: list[float], api: MockAPI) -> None:
    api.steps = [E503]
    async with EasyInk(
        base_url=BASE_URL,
        token=TOKEN,
        transport=api.transport(),
        backoff_base=0.1,
        backoff_max=0.15,
    ) as ei:
        with pytest.raises(InternalServerError):
            await get_draft.asyncio(DRAFT, client=ei.client)
    assert len(sleeps) == 2
    assert 0.0 <= sleeps[0] <= 0.1
    assert 0.0 <= sleeps[1] <= 0.15


# --- budget ------------------------------------------------------------------------------------


def test_budget_accounting() -> None:
    budget = RetryBudget(capacity=20)
    assert budget.acquire(connection_failure=True) == 10
    assert budget.acquire(connection_failure=False) == 5
    assert budget.tokens == 5
    assert budget.acquire(connection_failure=True) is None
    budget.record_success(5)
    assert budget.tokens == 10
    budget.record_success(None)
    assert budget.tokens == 11
    for _ in range(50):
        budget.record_success(10)
    assert budget.tokens == 20


async def test_empty_budget_stops_retrying(api: MockAPI, sleeps: list[float]) -> None:
    api.steps = [E503]
    budget = RetryBudget(capacity=12)
    async with EasyInk(
        base_url=BASE_URL, token=TOKEN, transport=api.transport(), retry_budget=budget
    ) as ei:
        with pytest.raises(InternalServerError):
            await get_draft.asyncio(DRAFT, client=ei.client)
        assert api.count == 3  # two retries paid: 12 - 5 - 5 = 2 tokens left
        assert budget.tokens == 2
        with pytest.raises(InternalServerError):
            await get_draft.asyncio(DRAFT, client=ei.with_options(max_retries=5).client)
        assert api.count == 4  # the view shares the budget: no retry possible
        api.steps = [OK]
        await _get(ei)
        assert budget.tokens == 3


@pytest.mark.parametrize(("max_retries", "expected"), [(0, 2), (2, 4)])
async def test_send_for_signature_against_an_always_503_server_is_bounded(
    max_retries: int, expected: int
) -> None:
    """The worst case of ``_retry``'s docstring: 1 + 2 x (max_retries + 1) requests at most.

    createDraft is sent once (a 503 leaves its outcome unknown, so it is not repeated), then
    the read-back (searchSessions) gets max_retries + 1 attempts and the workflow stops: no
    retry is layered on the client's.
    """
    from easyink_ext.workflow import Signer, WorkflowError, send_for_signature

    sent: list[str] = []

    def always_503(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        return httpx.Response(503, json={"error": {"code": "Busy", "message": "busy"}})

    async with EasyInk(
        base_url=BASE_URL,
        token=TOKEN,
        transport=httpx.MockTransport(always_503),
        max_retries=max_retries,
        backoff_base=0.0,
    ) as ei:
        with pytest.raises(WorkflowError) as caught:
            await send_for_signature(
                ei, documents=[b"%PDF-1.4"], signers=[Signer("A B", "a@example.com")], subject="s"
            )
    assert caught.value.step == "create draft"
    assert caught.value.step == "create draft"
    # The read-back failed, so whether the draft exists stays unknown (a batch reconciles it).
    assert isinstance(caught.value.cause, OutcomeUnknownError)
    assert sent == ["POST /api/signingSessionDrafts"] + ["GET /api/signingSessions"] * (
        max_retries + 1
    )
    assert len(sent) == expected <= 1 + 2 * (max_retries + 1)
