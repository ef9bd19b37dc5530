"""OAuth 2.0 (Authorization Code + PKCE S256, refresh tokens) and the HS256 JWT access tokens.

``GET /connect/authorize`` approves at once (there is no login page): it checks the client,
the redirect URI (any absolute http(s) URL), ``response_type=code``, the scope and the PKCE
challenge, then redirects to ``redirect_uri?code=...&state=...``. ``login_hint`` picks the user.
``POST /connect/token`` exchanges a code (the verifier is checked:
``base64url(sha256(verifier)) == challenge``) or rotates a refresh token. Errors follow RFC 6749:
``{"error": ..., "error_description": ...}`` with 400, or 401 for client authentication.
Codes are single-use; presenting a used code also revokes what it produced.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from urllib.parse import unquote, urlencode, urlsplit

import attrs
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ._config import SandboxConfig
from ._errors import ApiError

DEFAULT_SCOPE = "openid hermes_api hermes_idp profile"
_KNOWN_SCOPES = frozenset({"openid", "hermes_api", "hermes_idp", "profile", "offline_access"})
_ISSUER = "easyink-sandbox"
_CACHE_LIMIT = 10_000


@attrs.define
class _Code:
    value: str
    client_id: str
    redirect_uri: str
    challenge: str
    user: str
    scope: str
    expires: float
    used: bool = False
    refresh_tokens: list[str] = attrs.Factory(list)
    access_jtis: list[str] = attrs.Factory(list)


@attrs.define
class _Refresh:
    client_id: str
    user: str
    scope: str
    code: str | None


class _OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> Response:
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="easyink-sandbox"'
        body = json.dumps({"error": self.error, "error_description": self.description})
        return Response(body, self.status, headers=headers, media_type="application/json")


def pkce_challenge(verifier: str) -> str:
    """The S256 challenge of a PKCE verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _valid_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment


class AuthService:
    """Authorization codes, refresh tokens and access-token verification of one app."""

    def __init__(self, config: SandboxConfig, clock: Callable[[], float]) -> None:
        self._config = config
        self._clock = clock
        self._key = OctKey.import_key(secrets.token_bytes(32))
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._revoked: set[str] = set()
        self._verified: dict[str, tuple[str, float, str]] = {}

    # -- access tokens ----------------------------------------------------------------------

    def issue_token(self, user: str, scope: str = DEFAULT_SCOPE, client_id: str = "") -> str:
        """A signed access token for ``user`` valid for ``token_ttl`` seconds."""
        now = int(self._clock())
        claims = {
            "iss": _ISSUER,
            "sub": user,
            "iat": now,
            "nbf": now,
            "exp": now + max(1, round(self._config.token_ttl)),
            "jti": secrets.token_hex(16),
            "scope": scope,
            "client_id": client_id or self._config.client_id,
        }
        return jwt.encode({"alg": "HS256", "typ": "JWT"}, claims, self._key)

    def authenticate(self, authorization: str | None) -> str:
        """The user of a valid, unexpired Bearer token, else a 401 ``Unauthorized``."""
        if not authorization or not authorization[:7].lower() == "bearer ":
            raise _unauthorized("Authentication is required: send an 'Authorization: Bearer' token")
        token = authorization[7:].strip()
        now = self._clock()
        cached = self._verified.get(token)
        if cached is None:
            try:
                decoded = jwt.decode(token, self._key, algorithms=["HS256"])
                claims = decoded.claims
                user, exp, jti = str(claims["sub"]), float(claims["exp"]), str(claims["jti"])
            except (JoseError, KeyError, ValueError, TypeError):
                raise _unauthorized("The access token is invalid", invalid=True) from None
            if len(self._verified) >= _CACHE_LIMIT:
                self._verified.clear()
            cached = (user, exp, jti)
            self._verified[token] = cached
        user, exp, jti = cached
        if now >= exp:
            raise _unauthorized("The access token has expired", invalid=True)
        if jti in self._revoked:
            raise _unauthorized("The access token has been revoked", invalid=True)
        return user

    def subject(self, authorization: str | None) -> str | None:
        """The user a Bearer token of this app names, expired or not; None for anything else."""
        try:
            return self.authenticate(authorization)
        except ApiError:
            pass
        if not authorization or authorization[:7].lower() != "bearer ":
            return None
        cached = self._verified.get(authorization[7:].strip())
        return None if cached is None else cached[0]

    # -- endpoints --------------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        """``GET /connect/authorize``: approve at once and redirect with a code."""
        query = request.query_params
        client_id = query.get("client_id", "")
        redirect_uri = query.get("redirect_uri", "")
        if client_id != self._config.client_id:
            return _OAuthError("unauthorized_client", "Unknown client_id").response()
        if not _valid_redirect(redirect_uri):
            return _OAuthError(
                "invalid_request", "redirect_uri must be an absolute http(s) URL"
            ).response()
        state = query.get("state")

        def fail(error: str, description: str) -> Response:
            params = {"error": error, "error_description": description}
            if state is not None:
                params["state"] = state
            return RedirectResponse(_with_query(redirect_uri, params), status_code=302)

        if query.get("response_type") != "code":
            return fail("unsupported_response_type", "response_type must be 'code'")
        scope = " ".join(query.get("scope", "").split())
        if not scope or not set(scope.split()) <= _KNOWN_SCOPES:
            return fail("invalid_scope", f"scope must use only: {' '.join(sorted(_KNOWN_SCOPES))}")
        challenge = query.get("code_challenge", "")
        if not challenge:
            return fail("invalid_request", "code_challenge is required (PKCE)")
        if query.get("code_challenge_method") != "S256":
            return fail("invalid_request", "code_challenge_method must be S256")
        user = query.get("login_hint") or self._config.default_user
        code = secrets.token_urlsafe(32)
        self._codes[code] = _Code(
            value=code,
            client_id=client_id,
            redirect_uri=redirect_uri,
            challenge=challenge,
            user=user,
            scope=scope,
            expires=self._clock() + self._config.code_ttl,
        )
        params = {"code": code}
        if state is not None:
            params["state"] = state
        return RedirectResponse(_with_query(redirect_uri, params), status_code=302)

    async def token(self, request: Request) -> Response:
        """``POST /connect/token``: ``authorization_code`` and ``refresh_token`` grants."""
        try:
            form = await request.form()
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            client_id = self._client(request, fields)
            grant = fields.get("grant_type", "")
            if grant == "authorization_code":
                return self._token_response(*self._exchange_code(client_id, fields))
            if grant == "refresh_token":
                return self._token_response(*self._rotate_refresh(client_id, fields))
            if not grant:
                raise _OAuthError("invalid_request", "grant_type is required")
            raise _OAuthError("unsupported_grant_type", f"grant_type '{grant}' is not supported")
        except _OAuthError as exc:
            return exc.response()

    def _client(self, request: Request, fields: dict[str, str]) -> str:
        header = request.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
                raw_id, _, raw_secret = decoded.partition(":")
            except (ValueError, UnicodeDecodeError):
                raise _OAuthError("invalid_client", "Malformed Basic credentials", 401) from None
            client_id, secret = unquote(raw_id), unquote(raw_secret)
        else:
            client_id, secret = fields.get("client_id", ""), fields.get("client_secret", "")
        if not client_id:
            raise _OAuthError("invalid_client", "Client authentication is required", 401)
        known = hmac.compare_digest(client_id.encode(), self._config.client_id.encode())
        good = hmac.compare_digest(secret.encode(), self._config.client_secret.encode())
        if not (known and good):
            raise _OAuthError("invalid_client", "Client authentication failed", 401)
        return client_id

    def _exchange_code(
        self, client_id: str, fields: dict[str, str]
    ) -> tuple[str, str, _Code | None, str]:
        code_value = fields.get("code", "")
        verifier = fields.get("code_verifier", "")
        redirect_uri = fields.get("redirect_uri", "")
        if not code_value:
            raise _OAuthError("invalid_request", "code is required")
        if not verifier:
            raise _OAuthError("invalid_request", "code_verifier is required (PKCE)")
        code = self._codes.get(code_value)
        if code is None:
            raise _OAuthError("invalid_grant", "The authorization code is invalid")
        if code.used:
            for token in code.refresh_tokens:
                self._refresh.pop(token, None)
            self._revoked.update(code.access_jtis)
            raise _OAuthError("invalid_grant", "The authorization code has already been used")
        if self._clock() >= code.expires:
            del self._codes[code_value]
            raise _OAuthError("invalid_grant", "The authorization code has expired")
        if code.client_id != client_id:
            raise _OAuthError(
                "invalid_grant", "The authorization code was issued to another client"
            )
        if code.redirect_uri != redirect_uri:
            raise _OAuthError(
                "invalid_grant", "redirect_uri does not match the authorization request"
            )
        if not hmac.compare_digest(pkce_challenge(verifier), code.challenge):
            raise _OAuthError(
                "invalid_grant", "The code_verifier does not match the code_challenge"
            )
        code.used = True
        return client_id, code.user, code, code.scope

    def _rotate_refresh(
        self, client_id: str, fields: dict[str, str]
    ) -> tuple[str, str, _Code | None, str]:
        value = fields.get("refresh_token", "")
        if not value:
            raise _OAuthError("invalid_request", "refresh_token is required")
        record = self._refresh.get(value)
        if record is None or record.client_id != client_id:
            raise _OAuthError("invalid_grant", "The refresh token is invalid or has been used")
        del self._refresh[value]
        code = self._codes.get(record.code) if record.code else None
        return client_id, record.user, code, record.scope

    def _token_response(
        self, client_id: str, user: str, code: _Code | None, scope: str
    ) -> Response:
        access = self.issue_token(user, scope, client_id)
        refresh = secrets.token_urlsafe(32)
        self._refresh[refresh] = _Refresh(
            client_id=client_id, user=user, scope=scope, code=None if code is None else code.value
        )
        if code is not None:
            code.refresh_tokens.append(refresh)
            code.access_jtis.append(str(jwt.decode(access, self._key).claims["jti"]))
        body = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": max(1, round(self._config.token_ttl)),
            "refresh_token": refresh,
            "scope": scope,
        }
        return Response(
            json.dumps(body),
            200,
            media_type="application/json",
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )


def _with_query(uri: str, params: dict[str, str]) -> str:
    separator = "&" if urlsplit(uri).query else "?"
    return uri + separator + urlencode(params)


def _unauthorized(message: str, *, invalid: bool = False) -> ApiError:
    challenge = 'Bearer realm="easyink-sandbox"'
    if invalid:
        challenge += ', error="invalid_token"'
    return ApiError("Unauthorized", message, status=401, headers={"WWW-Authenticate": challenge})
