"""Token providers, the PKCE helpers and single-flight refresh."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import pytest

from easyink_client.api.signing_sessions import session_exists
from easyink_ext import (
    AuthenticationError,
    AuthorizationRequest,
    EasyInk,
    OAuthClient,
    OAuthError,
    RefreshingTokenProvider,
    StaticToken,
    TokenProvider,
    TokenSet,
)
from easyink_ext.auth import IdentityEndpoints, jwt_expiry

from .._secrets import assert_no_secret
from ..conftest import BASE_URL, DRAFT, api_error

CLIENT_SECRET = "client-secret-do-not-leak"
REDIRECT = "https://easyink.io"


def make_jwt(exp: float, marker: str) -> str:
    def enc(obj: dict[str, object]) -> str:
        raw = json.dumps(obj).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{enc({'alg': 'none'})}.{enc({'exp': int(exp), 'sub': marker})}.c2ln"


class IdentityServer:
    """A minimal /connect/token endpoint checking PKCE and counting hits."""

    def __init__(self, *, ttl: float = 3600.0) -> None:
        self.ttl = ttl
        self.hits = 0
        self.forms: list[dict[str, str]] = []
        self.challenges: dict[str, str] = {}
        self.issued = 0

    def new_tokens(self) -> dict[str, object]:
        self.issued += 1
        return {
            "access_token": make_jwt(time.time() + self.ttl, f"access-{self.issued}"),
            "refresh_token": f"refresh-secret-{self.issued}",
            "token_type": "Bearer",
            "expires_in": int(self.ttl),
        }

    def handler(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/connect/token"
        self.hits += 1
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.forms.append(form)
        if form["grant_type"] == "authorization_code":
            digest = hashlib.sha256(form["code_verifier"].encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if self.challenges.get(form["code"]) != challenge:
                return httpx.Response(400, json={"error": "invalid_grant"})
        return httpx.Response(200, json=self.new_tokens())


@pytest.fixture
def idp() -> IdentityServer:
    return IdentityServer()


@pytest.fixture
def oauth(idp: IdentityServer) -> OAuthClient:
    return OAuthClient(
        client_id="mock-client",
        client_secret=CLIENT_SECRET,
        redirect_uri=REDIRECT,
        issuer="http://idp.test",
        transport=httpx.MockTransport(idp.handler),
    )


async def _exists(ei: EasyInk) -> None:
    await session_exists.asyncio_detailed(DRAFT, client=ei.client)


def test_endpoints_for_issuers() -> None:
    prod = IdentityEndpoints.for_issuer("https://identity.easyink.io/")
    assert prod.authorize_url == "https://identity.easyink.io/connect/authorize"
    assert prod.token_url == "https://identity.easyink.io/connect/token"


def test_static_token_is_a_provider_and_redacts() -> None:
    provider = StaticToken("abc-secret")
    assert isinstance(provider, TokenProvider)
    assert "abc-secret" not in repr(provider)
    with pytest.raises(ValueError, match="non-empty"):
        StaticToken("")


def test_jwt_expiry_reads_exp_without_verification() -> None:
    assert jwt_expiry(make_jwt(1234, "x")) == 1234.0
    assert jwt_expiry("not-a-jwt") is None
    assert jwt_expiry("a.!!!.b") is None


def test_token_set_prefers_jwt_exp_and_redacts() -> None:
    token = TokenSet.from_response(
        {"access_token": make_jwt(5000, "a"), "refresh_token": "r-secret", "expires_in": 10}
    )
    assert token.expires_at == 5000.0
    assert "r-secret" not in repr(token)
    assert token.access_token not in repr(token)
    opaque = TokenSet.from_response({"access_token": "opaque", "expires_in": 10}, now=100.0)
    assert opaque.expires_at == 110.0
    with pytest.raises(OAuthError):
        TokenSet.from_response({"token_type": "Bearer"})


async def test_authorization_code_flow_with_pkce(oauth: OAuthClient, idp: IdentityServer) -> None:
    request = oauth.authorization_request(login_hint="other-user")
    query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
    assert request.url.startswith("http://idp.test/connect/authorize?")
    assert query["response_type"] == "code"
    assert query["client_id"] == "mock-client"
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == REDIRECT
    assert query["scope"] == "openid hermes_api hermes_idp profile"
    assert query["state"] == request.state
    assert query["login_hint"] == "other-user"
    assert "code_verifier" not in query
    assert_no_secret(repr(request) + request.url, request.code_verifier)

    idp.challenges["the-code"] = query["code_challenge"]
    tokens = await oauth.exchange_code(
        request, callback_url=f"{REDIRECT}/?code=the-code&state={request.state}"
    )
    assert tokens.refresh_token == "refresh-secret-1"
    form = idp.forms[-1]
    assert form["grant_type"] == "authorization_code"
    assert form["client_secret"] == CLIENT_SECRET  # client_secret_post, as the docs say
    assert form["code_verifier"] == request.code_verifier
    assert_no_secret(repr(oauth), CLIENT_SECRET)
    await oauth.aclose()


async def test_fresh_verifier_and_state_each_time(oauth: OAuthClient) -> None:
    first, second = oauth.authorization_request(), oauth.authorization_request()
    assert first.state != second.state
    assert first.code_verifier != second.code_verifier
    assert len(first.code_verifier) >= 43
    await oauth.aclose()


async def test_state_mismatch_is_refused(oauth: OAuthClient, idp: IdentityServer) -> None:
    request = oauth.authorization_request()
    with pytest.raises(OAuthError, match="state"):
        await oauth.exchange_code(request, code="c", state="forged")
    with pytest.raises(OAuthError, match="authorization failed"):
        await oauth.exchange_code(request, callback_url=f"{REDIRECT}/?error=access_denied")
    assert idp.hits == 0
    await oauth.aclose()


async def test_token_endpoint_refusal_is_oauth_error(oauth: OAuthClient) -> None:
    request = oauth.authorization_request()
    with pytest.raises(OAuthError) as info:
        await oauth.exchange_code(request, code="wrong-code-secret", state=request.state)
    assert_no_secret(str(info.value), "wrong-code-secret", request.code_verifier, CLIENT_SECRET)
    await oauth.aclose()


async def test_refreshing_provider_renews_before_exp(
    oauth: OAuthClient, idp: IdentityServer
) -> None:
    now = [1000.0]
    tokens = TokenSet(access_token="old", refresh_token="r0", expires_at=1100.0)
    seen: list[TokenSet] = []
    provider = RefreshingTokenProvider(
        oauth, tokens, leeway=60.0, on_token_refreshed=seen.append, clock=lambda: now[0]
    )
    assert await provider.get_token() == "old"
    now[0] = 1041.0  # within the 60 s leeway
    new = await provider.get_token()
    assert new != "old"
    assert idp.hits == 1
    assert idp.forms[0]["grant_type"] == "refresh_token"
    assert idp.forms[0]["refresh_token"] == "r0"
    assert seen == [provider.tokens]
    assert_no_secret(repr(provider), new)
    assert "r0" not in repr(provider)
    await oauth.aclose()


async def test_async_persistence_callback(oauth: OAuthClient) -> None:
    saved: list[str] = []

    async def persist(tokens: TokenSet) -> None:
        saved.append(tokens.access_token)

    provider = RefreshingTokenProvider(
        oauth,
        TokenSet(access_token="old", refresh_token="r", expires_at=0.0),
        on_token_refreshed=persist,
    )
    token = await provider.get_token()
    assert saved == [token]
    await oauth.aclose()


async def test_no_refresh_token_raises(oauth: OAuthClient) -> None:
    provider = RefreshingTokenProvider(oauth, TokenSet(access_token="old", expires_at=0.0))
    with pytest.raises(OAuthError, match="no refresh token"):
        await provider.get_token()
    await oauth.aclose()


async def test_single_flight_refresh_under_1000_concurrent_requests(
    oauth: OAuthClient, idp: IdentityServer
) -> None:
    expired = TokenSet(access_token=make_jwt(time.time() - 10, "old"), refresh_token="r0")
    provider = RefreshingTokenProvider(oauth, expired)
    seen_auth: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen_auth.append(request.headers["Authorization"])
        return httpx.Response(200)

    async with (
        EasyInk(
            base_url=BASE_URL, token_provider=provider, transport=httpx.MockTransport(api)
        ) as ei,
        anyio.create_task_group() as tg,
    ):
        for _ in range(1000):
            tg.start_soon(_exists, ei)
    assert idp.hits == 1
    assert idp.forms[0]["grant_type"] == "refresh_token"
    assert len(seen_auth) == 1000  # every call went out once, none with the expired token
    assert set(seen_auth) == {f"Bearer {provider.tokens.access_token}"}
    await oauth.aclose()


async def test_401_refreshes_once_and_replays_once(oauth: OAuthClient, idp: IdentityServer) -> None:
    fresh = TokenSet(access_token=make_jwt(time.time() + 3600, "revoked"), refresh_token="r0")
    provider = RefreshingTokenProvider(oauth, fresh)
    calls: list[str] = []
    all_arrived = anyio.Event()

    async def api(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["Authorization"])
        if request.headers["Authorization"] == f"Bearer {fresh.access_token}":
            if len(calls) == 50:
                all_arrived.set()
            await all_arrived.wait()  # all 50 requests are in flight with the old token
            return api_error(401, "Unauthorized", "token revoked")
        return httpx.Response(200)

    async with EasyInk(
        base_url=BASE_URL, token_provider=provider, transport=httpx.MockTransport(api)
    ) as ei:
        async with anyio.create_task_group() as tg:
            for _ in range(50):
                tg.start_soon(_exists, ei)
        assert idp.hits == 1  # 50 requests saw the 401, one refresh
        assert len(calls) == 100  # each request replayed exactly once

    # A token refused even after refreshing: one replay, then AuthenticationError.
    always = RefreshingTokenProvider(oauth, fresh)
    hits_before = idp.hits
    count = 0

    def deny(request: httpx.Request) -> httpx.Response:
        nonlocal count
        count += 1
        return api_error(401, "Unauthorized", "no")

    async with EasyInk(
        base_url=BASE_URL, token_provider=always, transport=httpx.MockTransport(deny)
    ) as ei:
        with pytest.raises(AuthenticationError):
            await session_exists.asyncio_detailed(DRAFT, client=ei.client)
    assert count == 2
    assert idp.hits == hits_before + 1
    await oauth.aclose()


async def test_static_token_401_is_not_replayed() -> None:
    count = 0

    def deny(request: httpx.Request) -> httpx.Response:
        nonlocal count
        count += 1
        return api_error(401, "Unauthorized", "expired")

    async with EasyInk(base_url=BASE_URL, token="t", transport=httpx.MockTransport(deny)) as ei:
        with pytest.raises(AuthenticationError):
            await session_exists.asyncio_detailed(DRAFT, client=ei.client)
    assert count == 1


def test_authorization_request_repr() -> None:
    req = AuthorizationRequest(url="http://x/?a=1", state="st-secret", code_verifier="ver-secret")
    assert "ver-secret" not in repr(req) and "st-secret" not in repr(req)
