"""The transport end to end, against the sandbox in process: errors, retries, OAuth refresh."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

import anyio
import httpx
import pytest

from easyink_client.api.signing_session_drafts import (
    add_draft_participant,
    create_draft,
    delete_draft,
    get_draft,
)
from easyink_client.api.signing_sessions import get_session_statistics, session_exists
from easyink_client.models import AddDraftParticipantRequest, CreateDraftRequest
from easyink_ext import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    EasyInk,
    EasyInkError,
    InternalServerError,
    NotFoundError,
    OAuthClient,
    OutcomeUnknownError,
    RateLimitError,
    RefreshingTokenProvider,
    RequestValidationError,
    TokenSet,
)
from easyink_ext._answers import CheckedResponse
from easyink_ext.errors import APIResponseValidationError
from easyink_sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    FaultConfig,
    Sandbox,
    SandboxApp,
)

from .._secrets import assert_no_secret
from ..conftest import SANDBOX_URL

BASE = SANDBOX_URL
REDIRECT = "https://easyink.io"


@pytest.fixture
async def ei(app: SandboxApp, sandbox: Sandbox) -> AsyncIterator[EasyInk]:
    async with EasyInk(
        base_url=BASE,
        token=sandbox.issue_token(),
        transport=httpx.ASGITransport(app),
        backoff_base=0.001,
        backoff_max=0.002,
    ) as client:
        yield client


def _faults(**kw: object) -> FaultConfig:
    return FaultConfig(seed=7, retry_after=0.001, **kw)  # type: ignore[arg-type]


def _api_log(sandbox: Sandbox) -> list[tuple[str, str, int | None]]:
    return [(m, p, s) for m, p, s in sandbox.request_log if p.startswith("/api/")]


async def _new_draft(ei: EasyInk, subject: str = "s") -> UUID:
    draft = await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject=subject))
    assert isinstance(draft, UUID)
    return draft


# --- typed errors with the server's code and message --------------------------------------------


async def test_400_validation_error_from_server(app: SandboxApp, sandbox: Sandbox) -> None:
    async with EasyInk(
        base_url=BASE,
        token=sandbox.issue_token(),
        transport=httpx.ASGITransport(app),
        validate_requests=False,
    ) as ei:
        draft = await _new_draft(ei)
        with pytest.raises(BadRequestError) as info:
            await add_draft_participant.asyncio(
                draft, client=ei.client, body=AddDraftParticipantRequest(phone="123")
            )
    assert info.value.status_code == 400
    assert info.value.code == "ValidationError"
    assert info.value.inner_errors, "the server lists the invalid field"
    assert "phone" in str(info.value)


async def test_401_authentication_error(app: SandboxApp) -> None:
    async with EasyInk(base_url=BASE, token="not-a-jwt", transport=httpx.ASGITransport(app)) as ei:
        with pytest.raises(AuthenticationError) as info:
            await get_session_statistics.asyncio(client=ei.client)
    assert info.value.code == "Unauthorized"
    assert info.value.message == "The access token is invalid"


async def test_404_for_another_users_draft(ei: EasyInk, app: SandboxApp, sandbox: Sandbox) -> None:
    draft = await _new_draft(ei)
    async with EasyInk(
        base_url=BASE, token=sandbox.issue_token("someone-else"), transport=httpx.ASGITransport(app)
    ) as other:
        with pytest.raises(NotFoundError) as info:
            await get_draft.asyncio(draft, client=other.client)
    assert info.value.code == "NotFound"
    assert info.value.method == "GET"
    assert str(draft) in info.value.url


async def test_429_rate_limit_error_after_retries(ei: EasyInk, sandbox: Sandbox) -> None:
    sandbox.faults = _faults(rate_limit_rate=1.0)
    sandbox.reset_log()
    with pytest.raises(RateLimitError) as info:
        await get_session_statistics.asyncio(client=ei.client)
    assert info.value.retry_after == pytest.approx(0.001)
    assert info.value.code == "RateLimited"
    assert len(_api_log(sandbox)) == 3


@pytest.mark.parametrize("status", [500, 503])
async def test_5xx_internal_server_error(ei: EasyInk, sandbox: Sandbox, status: int) -> None:
    sandbox.faults = _faults(fail_rate=1.0, fail_statuses=(status,))
    with pytest.raises(InternalServerError) as info:
        await get_session_statistics.asyncio(client=ei.with_options(max_retries=0).client)
    assert info.value.status_code == status
    expected = {
        500: ("InternalServerError", "An unexpected error occurred"),
        503: ("ServiceUnavailable", "The service is temporarily unavailable"),
    }[status]
    assert (info.value.code, info.value.message) == expected
    assert not isinstance(info.value, OutcomeUnknownError)  # a GET is never ambiguous


# --- retries where the policy says, counted on the server -----------------------------------


async def test_get_retried_on_503_until_success(ei: EasyInk, sandbox: Sandbox) -> None:
    draft = await _new_draft(ei)
    sandbox.faults = _faults(fail_rate=0.5, fail_statuses=(503,))
    sandbox.reset_log()
    gave_up = 0
    for _ in range(20):
        try:
            await get_draft.asyncio(draft, client=ei.client)
        except InternalServerError as exc:
            assert exc.status_code == 503
            gave_up += 1
    log = _api_log(sandbox)
    failures = [r for r in log if r[2] == 503]
    assert failures, "the seed produces failures"
    assert {r[2] for r in log} == {200, 503}
    # Every 503 is followed by a retry except the third one of a call that gave up.
    assert len(log) == 20 + len(failures) - gave_up
    assert len([r for r in log if r[2] == 200]) == 20 - gave_up


async def test_post_not_retried_after_503(ei: EasyInk, sandbox: Sandbox) -> None:
    sandbox.faults = _faults(fail_rate=1.0, fail_statuses=(503,))
    sandbox.reset_log()
    with pytest.raises(OutcomeUnknownError):
        await _new_draft(ei)
    assert len(_api_log(sandbox)) == 1


async def test_post_retried_after_429(ei: EasyInk, sandbox: Sandbox) -> None:
    sandbox.faults = _faults(rate_limit_rate=0.5)
    sandbox.reset_log()
    created = 0
    gave_up = 0
    for i in range(10):
        try:
            await _new_draft(ei, f"d{i}")
            created += 1
        except RateLimitError as exc:
            assert not isinstance(exc, OutcomeUnknownError)
            gave_up += 1
    log = _api_log(sandbox)
    limited = [r for r in log if r[2] == 429]
    assert limited
    assert {r[2] for r in log} == {200, 429}
    assert created + gave_up == 10
    assert len([r for r in log if r[2] == 200]) == created
    # Each POST is re-sent after a 429, except the last 429 of a creation that gave up.
    assert len(log) == 10 + len(limited) - gave_up
    sandbox.faults = FaultConfig()
    assert len(sandbox.store.sessions) == created


async def test_dropped_connection_on_post_is_outcome_unknown(ei: EasyInk, sandbox: Sandbox) -> None:
    sandbox.faults = _faults(drop_rate=1.0, fault_after_processing=True)
    sandbox.reset_log()
    with pytest.raises(OutcomeUnknownError) as info:
        await _new_draft(ei, "dropped")
    assert "outcome is unknown" in str(info.value)
    assert len(_api_log(sandbox)) == 1
    sandbox.faults = FaultConfig()
    subjects = [item.subject async for item in ei.iter_sessions(statuses=["Draft"])]
    assert subjects == ["dropped"]  # it did happen: the caller reconciles by reading back


async def test_dropped_connection_on_get_is_retried(ei: EasyInk, sandbox: Sandbox) -> None:
    sandbox.faults = _faults(drop_rate=1.0)
    sandbox.reset_log()
    with pytest.raises(APIConnectionError) as info:
        await session_exists.asyncio_detailed(uuid4(), client=ei.client)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert len(_api_log(sandbox)) == 3


async def test_delete_retried_after_processing_failure_reports_404_note(
    app: SandboxApp, sandbox: Sandbox
) -> None:
    async def faults_once(scope: Any, receive: Any, send: Any) -> None:
        """The first DELETE is processed, then answered 503; later requests are not faulted."""
        try:
            await app(scope, receive, send)
        finally:
            if scope["method"] == "DELETE":
                sandbox.faults = FaultConfig()

    async with EasyInk(
        base_url=BASE,
        token=sandbox.issue_token(),
        transport=httpx.ASGITransport(faults_once),
        backoff_base=0.001,
    ) as ei:
        draft = await _new_draft(ei)
        sandbox.faults = _faults(fail_rate=1.0, fail_statuses=(503,), fault_after_processing=True)
        sandbox.reset_log()
        with pytest.raises(NotFoundError) as info:
            await delete_draft.asyncio_detailed(draft, client=ei.client)
    assert [r[2] for r in _api_log(sandbox)] == [503, 404]
    assert info.value.after_ambiguous_attempt is True
    assert "earlier attempt may have deleted it" in str(info.value)


async def test_invalid_input_never_reaches_the_server(ei: EasyInk, sandbox: Sandbox) -> None:
    sandbox.reset_log()
    with pytest.raises(RequestValidationError):
        await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="x" * 501))
    assert _api_log(sandbox) == []


# --- OAuth against the sandbox's /connect endpoints -----------------------------------------


async def _login(app: SandboxApp, oauth: OAuthClient) -> tuple[TokenSet, str]:
    """Run the authorization-code flow; returns the tokens and the code that was used."""
    request = oauth.authorization_request()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app)) as browser:
        answer = await browser.get(request.url)
    assert answer.status_code == 302
    callback = answer.headers["Location"]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    return await oauth.exchange_code(request, callback_url=callback), code


def _oauth(app: SandboxApp) -> OAuthClient:
    return OAuthClient(
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        redirect_uri=REDIRECT,
        issuer=BASE,
        transport=httpx.ASGITransport(app),
    )


async def test_single_flight_refresh_1000_concurrent_calls_and_no_secret_in_logs(
    app: SandboxApp, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    oauth = _oauth(app)
    tokens, code = await _login(app, oauth)
    secrets = {tokens.access_token, tokens.refresh_token or "", SANDBOX_CLIENT_SECRET, code}
    # Pretend the token is about to expire: the provider must refresh exactly once.
    provider = RefreshingTokenProvider(
        oauth,
        TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=time.time() + 30,
        ),
    )
    sandbox.reset_log()
    errors: list[str] = []

    async def call(ei: EasyInk) -> None:
        try:
            await get_session_statistics.asyncio(client=ei.client)
        except EasyInkError as exc:  # pragma: no cover - reported below
            errors.append(str(exc))

    async with EasyInk(
        base_url=BASE, token_provider=provider, transport=httpx.ASGITransport(app)
    ) as ei:
        async with anyio.create_task_group() as tg:
            for _ in range(1000):
                tg.start_soon(call, ei)
        # The refreshed access token is revoked server-side: a 401 triggers one more refresh.
        secrets |= {provider.tokens.access_token, provider.tokens.refresh_token or ""}
        sandbox.advance_time(7200)
        await get_session_statistics.asyncio(client=ei.client)
        secrets |= {provider.tokens.access_token, provider.tokens.refresh_token or ""}
    async with EasyInk(
        base_url=BASE, token=tokens.access_token, transport=httpx.ASGITransport(app)
    ) as stale:
        with pytest.raises(AuthenticationError) as info:
            await get_session_statistics.asyncio(client=stale.client)
        errors.append(str(info.value))

    token_hits = [r for r in sandbox.request_log if r[1] == "/connect/token"]
    assert len(token_hits) == 2  # one refresh for 1000 calls, one after the 401
    assert provider.refresh_count == 2
    assert len([r for r in sandbox.request_log if r[1].startswith("/api/")]) == 1000 + 2 + 1
    assert errors[:-1] == []
    text = caplog.text + "\n".join(errors) + repr(provider) + repr(oauth)
    assert "request GET /api/signingSessions/statistics attempt=1" in caplog.text
    assert_no_secret(text, *secrets)
    await oauth.aclose()


async def test_an_answer_read_into_memory_behaves_like_a_read_httpx_response() -> None:
    body = '{"subject": "Vertrag für Zoë"}'.encode()
    request = httpx.Request("GET", "https://api.example/api/x")
    headers = [(b"Content-Type", b"application/json; charset=utf-8"), (b"ETag", b'"v1"')]
    built = CheckedResponse.read_from(
        200, headers=headers, body=body, request=request, extensions={"http_version": b"HTTP/1.1"}
    )
    plain = httpx.Response(200, headers=headers, content=body, request=request)
    assert built.content == plain.content == body
    assert built.text == plain.text and built.json() == plain.json()
    assert built.headers["etag"] == '"v1"' and built.http_version == "HTTP/1.1"
    assert built.is_closed and built.is_stream_consumed
    assert await built.aread() == body and b"".join(built.iter_bytes(5)) == body
    assert [c async for c in built.aiter_bytes()] == [body]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32-le"])
def test_json_decodes_as_json_loads_does(encoding: str) -> None:
    doc = {"subject": "Vertrag für Zoë", "n": [1, 2.5, None, True], "nested": {"x": "€"}}
    body = json.dumps(doc, ensure_ascii=False).encode(encoding)
    request = httpx.Request("GET", "https://api.example/api/x")
    answer = CheckedResponse.read_from(200, headers=[], body=body, request=request, extensions={})
    assert answer.json() == json.loads(body) == doc
    assert answer.json(parse_float=str)["n"][1] == "2.5"  # keywords go to json.loads
    huge = CheckedResponse.read_from(
        200, headers=[], body=b'{"n": ' + b"9" * 5000 + b"}", request=request, extensions={}
    )
    with pytest.raises(APIResponseValidationError, match="5000 characters"):
        huge.json()
