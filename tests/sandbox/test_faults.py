"""Fault injection in process (each kind, deterministic with rates of 1.0) and request logging."""

from __future__ import annotations

import httpx
import pytest

from easyink_sandbox import ConnectionDropped, FaultConfig, Sandbox

from .conftest import Drafts


async def test_rate_limit_before_processing(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(rate_limit_rate=1.0, retry_after=2, seed=1)
    r = await client.post("/api/signingSessionDrafts", json={"subject": "x"})
    assert r.status_code == 429 and r.headers["retry-after"] == "2"
    assert r.json()["error"]["code"] == "RateLimited"
    assert sandbox.store.sessions == {}
    assert sandbox.request_log[-1] == ("POST", "/api/signingSessionDrafts", 429)
    assert sandbox.request_log[-1].fault == "rate_limit"


async def test_errors_before_and_after_processing(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults = FaultConfig(fail_rate=1.0, fail_statuses=(503,), seed=1)
    r = await client.post("/api/signingSessionDrafts", json={})
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert r.json()["error"]["code"] == "ServiceUnavailable"
    assert sandbox.store.sessions == {}
    sandbox.faults = FaultConfig(fail_rate=1.0, fail_statuses=(500,), fault_after_processing=True)
    r = await client.post("/api/signingSessionDrafts", json={})
    assert r.status_code == 500 and r.json()["error"]["code"] == "InternalServerError"
    assert len(sandbox.store.sessions) == 1  # it took effect before the 500
    assert sandbox.request_log[-1] == ("POST", "/api/signingSessionDrafts", 500)
    assert sandbox.request_log[-1].fault == "error"
    # Only /api paths are faulted: the identity endpoints answer normally (400: no parameters).
    r = await client.get("/connect/authorize")
    assert r.status_code == 400
    assert sandbox.request_log[-1].fault is None


async def test_drop_before_and_after_processing(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults = FaultConfig(drop_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/api/signingSessionDrafts", json={})
    assert sandbox.store.sessions == {}
    assert sandbox.request_log[-1] == ("POST", "/api/signingSessionDrafts", None)
    assert sandbox.request_log[-1].fault == "drop"
    sandbox.faults = FaultConfig(drop_rate=1.0, fault_after_processing=True)
    with pytest.raises(ConnectionDropped):
        await client.post("/api/signingSessionDrafts", json={})
    assert len(sandbox.store.sessions) == 1
    assert sandbox.request_log[-1] == ("POST", "/api/signingSessionDrafts", None)
    assert sandbox.request_log[-1].fault == "drop"


async def test_latency_and_seeded_sequence(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    outcomes = []
    for _ in range(2):
        sandbox.faults = FaultConfig(
            fail_rate=0.5, fail_statuses=(500,), latency_ms=1, jitter_ms=1, seed=7
        )
        sandbox.reset_log()
        answered = [
            (await client.get("/api/signingSessions/statistics")).status_code for _ in range(12)
        ]
        logged = [r.status for r in sandbox.request_log]
        assert logged == answered
        assert [r.fault for r in sandbox.request_log] == [
            "error" if status == 500 else None for status in answered
        ]
        outcomes.append(answered)
    assert outcomes[0] == outcomes[1]  # the same seed gives the same sequence
    assert {500, 200} == set(outcomes[0])


async def test_body_drop_in_process(
    client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts
) -> None:
    sid = await drafts.create()
    did = sandbox.add_large_document(sid, 300_000)
    sandbox.faults.drop_body_after_bytes = 100_000
    with pytest.raises(httpx.RemoteProtocolError):
        await client.get(f"/api/signingSessions/{sid}/documents/{did}")
    assert sandbox.request_log[-1].fault == "drop_body"
    r = await client.get(f"/api/signingSessions/{sid}/documents/{did}")
    assert r.status_code == 200 and len(r.content) == 300_000


async def test_server_error_is_generic(
    client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(sandbox.store, "statistics", boom)
    r = await client.get("/api/signingSessions/statistics")
    assert r.status_code == 500
    assert r.json()["error"] == {
        "code": "InternalServerError",
        "message": "An unexpected error occurred",
        "innerErrors": None,
    }
