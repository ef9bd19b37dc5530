"""Access tokens for EasyInk: token providers and the OAuth 2.0 Authorization Code + PKCE flow.

- :class:`TokenProvider`: what :class:`easyink_ext.EasyInk` asks for a token before each
  request (``get_token``) and tells when the API refused one (``invalidate``).
- :class:`StaticToken`: a fixed access token.
- :class:`OAuthClient`: Authorization Code + PKCE (S256) helpers built on authlib's httpx
  integration (authlib is imported when the first one is created):
  :meth:`OAuthClient.authorization_request`, :meth:`OAuthClient.exchange_code`,
  :meth:`OAuthClient.refresh`.
- :class:`RefreshingTokenProvider`: renews the access token ``leeway`` seconds before its
  JWT ``exp`` and after a 401, with exactly one refresh in flight however many requests wait.

Nothing here puts a token, secret, code or verifier in a repr, a log line or an exception.
"""

from __future__ import annotations

import base64
import hmac
import json
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx

from ._redact import REDACTED, redact_text
from .errors import OAuthError

__all__ = [
    "DEFAULT_SCOPE",
    "PRODUCTION_IDENTITY_URL",
    "STAGING_IDENTITY_URL",
    "AuthorizationRequest",
    "IdentityEndpoints",
    "OAuthClient",
    "RefreshingTokenProvider",
    "StaticToken",
    "TokenProvider",
    "TokenSet",
    "jwt_expiry",
]

PRODUCTION_IDENTITY_URL = "https://identity.easyink.io"
STAGING_IDENTITY_URL = "https://identity-staging.easyink.io"
DEFAULT_SCOPE = "openid hermes_api hermes_idp profile"
DEFAULT_LEEWAY = 60.0


@runtime_checkable
class TokenProvider(Protocol):
    """Source of access tokens for the ``Authorization: Bearer`` header."""

    async def get_token(self) -> str:
        """Return a currently valid access token (refreshing it if needed)."""
        ...

    def invalidate(self, token: str) -> None:
        """Mark ``token`` as refused by the API (401); the next ``get_token`` renews it."""
        ...


class StaticToken:
    """A fixed access token; ``invalidate`` does nothing (a 401 is then raised)."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("token must be a non-empty string")
        self._token = token

    async def get_token(self) -> str:
        """Return the token."""
        return self._token

    def invalidate(self, token: str) -> None:
        """Do nothing: a static token cannot be renewed."""

    def __repr__(self) -> str:
        return f"StaticToken(token={REDACTED})"


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (epoch seconds), read without verifying the signature."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        return float(exp)
    return None


@dataclass(frozen=True)
class TokenSet:
    """Tokens returned by the token endpoint.

    ``expires_at`` is epoch seconds; when not given it is read from the access token's JWT
    ``exp`` claim (None for an opaque token: then it is renewed only after a 401).
    """

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    scope: str | None = None
    token_type: str = "Bearer"

    def __post_init__(self) -> None:
        if self.expires_at is None:
            object.__setattr__(self, "expires_at", jwt_expiry(self.access_token))

    @classmethod
    def from_response(cls, data: dict[str, Any], *, now: float | None = None) -> TokenSet:
        """Build from a token endpoint JSON answer (``exp`` of the JWT wins over expires_in)."""
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise OAuthError("token endpoint answer has no access_token")
        expires_at = jwt_expiry(access)
        if expires_at is None:
            expires_in = data.get("expires_in")
            if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
                expires_at = (time.time() if now is None else now) + float(expires_in)
        refresh = data.get("refresh_token")
        scope = data.get("scope")
        return cls(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            expires_at=expires_at,
            scope=scope if isinstance(scope, str) else None,
            token_type=str(data.get("token_type") or "Bearer"),
        )

    def __repr__(self) -> str:
        refresh = REDACTED if self.refresh_token else None
        return (
            f"TokenSet(access_token={REDACTED}, refresh_token={refresh}, "
            f"expires_at={self.expires_at!r}, scope={self.scope!r})"
        )


@dataclass(frozen=True)
class IdentityEndpoints:
    """The authorize and token endpoint URLs of an identity provider."""

    authorize_url: str
    token_url: str

    @classmethod
    def for_issuer(cls, issuer: str) -> IdentityEndpoints:
        """Endpoints ``{issuer}/connect/authorize`` and ``{issuer}/connect/token``.

        Use :data:`PRODUCTION_IDENTITY_URL`, :data:`STAGING_IDENTITY_URL`, or the sandbox's
        base URL (it serves ``/connect/*`` itself).
        """
        base = issuer.rstrip("/")
        return cls(f"{base}/connect/authorize", f"{base}/connect/token")


@dataclass(frozen=True)
class AuthorizationRequest:
    """One authorization attempt: the URL to open, its ``state`` and the PKCE verifier.

    Keep it until the redirect comes back, then pass it to :meth:`OAuthClient.exchange_code`.
    """

    url: str
    state: str = field(repr=False)
    code_verifier: str = field(repr=False)

    def __repr__(self) -> str:
        return f"AuthorizationRequest(url={self.url!r}, state=..., code_verifier={REDACTED})"


def _authlib() -> tuple[Any, Callable[[int], str]]:
    """authlib's ``AsyncOAuth2Client`` and ``generate_token``, imported on first use."""
    import authlib.deprecate  # type: ignore[import-untyped]  # noqa: F401  (installs its filter first)
    from authlib.common.security import generate_token  # type: ignore[import-untyped]

    with warnings.catch_warnings():
        # authlib prefers the "httpx2" distribution and warns when it falls back to httpx, which
        # is the HTTP library this SDK (and the generated client) is built on.
        warnings.filterwarnings("ignore", message="The httpx module is deprecated")
        from authlib.integrations.httpx_client import (  # type: ignore[import-untyped]
            AsyncOAuth2Client,
        )
    return AsyncOAuth2Client, generate_token


class OAuthClient:
    """Authorization Code + PKCE (S256) client for the EasyInk identity provider.

    Built on ``authlib.integrations.httpx_client.AsyncOAuth2Client``; the client secret is
    sent in the form body (``client_secret_post``) as the EasyInk docs describe.
    ``transport`` / ``http_kwargs`` are passed to the underlying httpx client (tests use
    ``httpx.ASGITransport``).
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str | None,
        redirect_uri: str,
        issuer: str = PRODUCTION_IDENTITY_URL,
        endpoints: IdentityEndpoints | None = None,
        scope: str = DEFAULT_SCOPE,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.endpoints = endpoints or IdentityEndpoints.for_issuer(issuer)
        kwargs: dict[str, Any] = {"timeout": timeout}
        if transport is not None:
            kwargs["transport"] = transport
        oauth_client, self._generate_token = _authlib()
        self._oauth = oauth_client(
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_post" if client_secret else "none",
            scope=scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            **kwargs,
        )

    def authorization_request(self, *, login_hint: str | None = None) -> AuthorizationRequest:
        """A fresh authorize URL with a new random ``state`` and PKCE ``code_verifier``."""
        verifier = self._generate_token(64)
        extra: dict[str, str] = {}
        if login_hint is not None:
            extra["login_hint"] = login_hint
        url, state = self._oauth.create_authorization_url(
            self.endpoints.authorize_url,
            state=self._generate_token(32),
            code_verifier=verifier,
            **extra,
        )
        return AuthorizationRequest(url=str(url), state=str(state), code_verifier=verifier)

    async def exchange_code(
        self,
        request: AuthorizationRequest,
        *,
        callback_url: str | None = None,
        code: str | None = None,
        state: str | None = None,
    ) -> TokenSet:
        """Exchange the authorization code for tokens after checking the returned ``state``.

        Pass either the full ``callback_url`` the browser was redirected to, or ``code`` and
        ``state`` taken from it. Raises :class:`~easyink_ext.errors.OAuthError` when the state
        does not match, the redirect carries an error, or the token endpoint refuses.
        """
        if callback_url is not None:
            params = parse_qs(urlsplit(callback_url).query)
            if "error" in params:
                raise OAuthError(f"authorization failed: {redact_text(params['error'][0])}")
            code = params.get("code", [None])[0]
            state = params.get("state", [None])[0]
        if not code:
            raise OAuthError("the authorization response has no code")
        if state is None or not hmac.compare_digest(state, request.state):
            raise OAuthError("the authorization response's state does not match the request")
        return await self._call(
            self._oauth.fetch_token(
                self.endpoints.token_url,
                grant_type="authorization_code",
                code=code,
                redirect_uri=self.redirect_uri,
                code_verifier=request.code_verifier,
            )
        )

    async def refresh(self, refresh_token: str) -> TokenSet:
        """Obtain new tokens with ``grant_type=refresh_token``."""
        return await self._call(
            self._oauth.refresh_token(self.endpoints.token_url, refresh_token=refresh_token)
        )

    async def _call(self, pending: Awaitable[Any]) -> TokenSet:
        try:
            data = await pending
        except OAuthError:
            raise
        except Exception as exc:
            text = redact_text(str(exc))[:200]
            raise OAuthError(
                f"token endpoint request failed: {type(exc).__name__}: {text}"
            ) from None
        return TokenSet.from_response(dict(data))

    async def aclose(self) -> None:
        """Close the underlying HTTP client."""
        await self._oauth.aclose()

    async def __aenter__(self) -> OAuthClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"OAuthClient(client_id={self.client_id!r}, client_secret={REDACTED}, "
            f"token_url={self.endpoints.token_url!r})"
        )


TokenCallback = Callable[[TokenSet], Awaitable[None] | None]


class RefreshingTokenProvider:
    """Token provider that renews the access token with the refresh token.

    Renews when the token expires within ``leeway`` seconds (JWT ``exp``, read without
    verification) or after :meth:`invalidate` was called with the current token (the API
    answered 401). Concurrent callers share one refresh: the first one refreshes under a
    lock, the others wait and re-check (single flight). ``on_token_refreshed`` (sync or async)
    receives each new :class:`TokenSet`, e.g. to persist it.
    """

    def __init__(
        self,
        oauth: OAuthClient,
        tokens: TokenSet,
        *,
        leeway: float = DEFAULT_LEEWAY,
        on_token_refreshed: TokenCallback | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._oauth = oauth
        self._tokens = tokens
        self._leeway = leeway
        self._on_refreshed = on_token_refreshed
        self._clock = clock
        self._stale = False
        self._lock = anyio.Lock()
        self.refresh_count = 0

    @property
    def tokens(self) -> TokenSet:
        """The current tokens."""
        return self._tokens

    def _usable(self) -> bool:
        if self._stale:
            return False
        exp = self._tokens.expires_at
        return exp is None or self._clock() < exp - self._leeway

    async def get_token(self) -> str:
        """Return a valid access token, refreshing it first when needed (single flight)."""
        if self._usable():
            return self._tokens.access_token
        async with self._lock:
            if self._usable():
                return self._tokens.access_token
            await self._refresh()
            return self._tokens.access_token

    def invalidate(self, token: str) -> None:
        """Mark ``token`` as refused; ignored when the token was already replaced."""
        if hmac.compare_digest(token, self._tokens.access_token):
            self._stale = True

    async def _refresh(self) -> None:
        refresh_token = self._tokens.refresh_token
        if not refresh_token:
            raise OAuthError("the access token expired and there is no refresh token")
        new = await self._oauth.refresh(refresh_token)
        if new.refresh_token is None:
            new = TokenSet(
                access_token=new.access_token,
                refresh_token=refresh_token,
                expires_at=new.expires_at,
                scope=new.scope,
                token_type=new.token_type,
            )
        self._tokens = new
        self._stale = False
        self.refresh_count += 1
        if self._on_refreshed is not None:
            result = self._on_refreshed(new)
            if result is not None:
                await result

    def __repr__(self) -> str:
        return (
            f"RefreshingTokenProvider(tokens={self._tokens!r}, leeway={self._leeway!r}, "
            f"refresh_count={self.refresh_count})"
        )
