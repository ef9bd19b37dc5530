"""OAuth 2.0 authorization code + PKCE, refresh rotation, and Bearer enforcement."""

from __future__ import annotations

import base64
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx

from easyink_sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, Sandbox, pkce_challenge

REDIRECT = "https://easyink.io/callback"


async def authorize(anon: httpx.AsyncClient, verifier: str, **extra: str) -> httpx.Response:
    params = {
        "response_type": "code",
        "client_id": SANDBOX_CLIENT_ID,
        "scope": "openid hermes_api hermes_idp profile",
        "redirect_uri": REDIRECT,
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
        "state": "xyz",
    }
    params.update(extra)
    return await anon.get("/connect/authorize", params=params)


async def get_code(anon: httpx.AsyncClient, verifier: str, **extra: str) -> str:
    r = await authorize(anon, verifier, **extra)
    assert r.status_code == 302
    query = parse_qs(urlsplit(r.headers["location"]).query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


def exchange(code: str, verifier: str, **extra: str) -> dict[str, str]:
    form = {
        "grant_type": "authorization_code",
        "client_id": SANDBOX_CLIENT_ID,
        "client_secret": SANDBOX_CLIENT_SECRET,
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    form.update(extra)
    return form


async def test_code_flow_and_refresh(anon: httpx.AsyncClient) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await get_code(anon, verifier, login_hint="alice@example.com")
    r = await anon.post("/connect/token", data=exchange(code, verifier))
    assert r.status_code == 200, r.text
    tokens = r.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert r.headers["cache-control"] == "no-store"
    payload = tokens["access_token"].split(".")[1]
    claims = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    for claim in (b'"sub":"alice@example.com"', b'"exp"', b'"iat"', b'"jti"', b'"scope"'):
        assert claim in claims
    api = await anon.get(
        "/api/signingSessions", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert api.status_code == 200

    basic = base64.b64encode(f"{SANDBOX_CLIENT_ID}:{SANDBOX_CLIENT_SECRET}".encode()).decode()
    refreshed = await anon.post(
        "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"] != tokens["refresh_token"]
    reused = await anon.post(
        "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


async def test_token_failures(anon: httpx.AsyncClient, sandbox: Sandbox) -> None:
    verifier = secrets.token_urlsafe(48)
    code = await get_code(anon, verifier)
    r = await anon.post("/connect/token", data=exchange(code, "wrong-verifier-" + "x" * 40))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")
    r = await anon.post(
        "/connect/token", data=exchange(code, verifier, redirect_uri="https://other.example/cb")
    )
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")
    r = await anon.post("/connect/token", data=exchange(code, verifier, client_secret="nope"))
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")
    assert "error_description" in r.json()
    good = await anon.post("/connect/token", data=exchange(code, verifier))
    assert good.status_code == 200
    r = await anon.post("/connect/token", data=exchange(code, verifier))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")
    revoked = await anon.get(
        "/api/signingSessions", headers={"Authorization": f"Bearer {good.json()['access_token']}"}
    )
    assert revoked.status_code == 401

    expired = await get_code(anon, verifier)
    sandbox.advance_time(61)
    r = await anon.post("/connect/token", data=exchange(expired, verifier))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")
    r = await anon.post("/connect/token", data={"grant_type": "password"})
    assert r.status_code == 401
    r = await anon.post(
        "/connect/token", data={**exchange("c", verifier), "grant_type": "password"}
    )
    assert (r.status_code, r.json()["error"]) == (400, "unsupported_grant_type")


async def test_authorize_failures(anon: httpx.AsyncClient) -> None:
    r = await authorize(anon, "v" * 50, client_id="unknown")
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"
    r = await authorize(anon, "v" * 50, redirect_uri="ftp://x")
    assert r.status_code == 400
    for extra, error in (
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"scope": "admin"}, "invalid_scope"),
    ):
        r = await authorize(anon, "v" * 50, **extra)
        assert r.status_code == 302
        assert parse_qs(urlsplit(r.headers["location"]).query)["error"] == [error]


async def test_bearer_required(anon: httpx.AsyncClient, sandbox: Sandbox) -> None:
    r = await anon.get("/api/signingSessions")
    assert r.status_code == 401 and r.json()["error"]["code"] == "Unauthorized"
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = await anon.get("/api/signingSessions", headers={"Authorization": "Bearer not.a.jwt"})
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["www-authenticate"]
    token = sandbox.issue_token()
    sandbox.advance_time(3601)
    r = await anon.get("/api/signingSessions", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
    r = await anon.get("/api/unknown/route")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NotFound"
