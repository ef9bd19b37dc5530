"""The per-account request quota (``FaultConfig.quota_rate``), on the sandbox's own clock."""

from __future__ import annotations

import httpx
import pytest

from easyink_sandbox import FaultConfig, Sandbox, SandboxApp
from easyink_sandbox.__main__ import _parser, config_from_args

from .conftest import make_client

DRAFTS = "/api/signingSessionDrafts"


async def test_bucket_refuses_before_processing_and_refills(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults = FaultConfig(quota_rate=0.5, quota_burst=2)
    for _ in range(2):
        assert (await client.post(DRAFTS, json={"subject": "x"})).status_code == 200
    r = await client.post(DRAFTS, json={"subject": "x"})
    assert r.status_code == 429
    assert r.headers["retry-after"] == "2"  # one token at 0.5/s, rounded up
    assert r.json()["error"]["code"] == "RateLimited"
    assert len(sandbox.store.sessions) == 2  # the refused one was not processed
    assert sandbox.request_log[-1] == ("POST", DRAFTS, 429)
    assert sandbox.request_log[-1].fault == "quota"
    sandbox.advance_time(2)
    assert (await client.post(DRAFTS, json={"subject": "x"})).status_code == 200
    assert (await client.post(DRAFTS, json={"subject": "x"})).status_code == 429
    sandbox.advance_time(10)  # never more than the burst
    statuses = [(await client.get(f"{DRAFTS}/x")).status_code for _ in range(3)]
    assert statuses[2] == 429 and 429 not in statuses[:2]


async def test_retry_after_is_a_whole_second_at_least(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults = FaultConfig(quota_rate=40, quota_burst=1)
    await client.get("/api/signingSessions/statistics")
    r = await client.get("/api/signingSessions/statistics")
    assert r.status_code == 429 and r.headers["retry-after"] == "1"


async def test_default_burst_is_the_rate(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(quota_rate=2.5)
    statuses = [(await client.get("/api/signingSessions/statistics")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


async def test_each_account_has_its_own_bucket(
    app: SandboxApp, client: httpx.AsyncClient, anon: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults = FaultConfig(quota_rate=0.01, quota_burst=1)
    assert (await client.get("/api/signingSessions/statistics")).status_code == 200
    assert (await client.get("/api/signingSessions/statistics")).status_code == 429
    async with make_client(app, sandbox.issue_token("someone-else")) as other:
        assert (await other.get("/api/signingSessions/statistics")).status_code == 200
    # Without a valid token nothing is counted: the app answers 401 as usual.
    assert (await anon.get("/api/signingSessions/statistics")).status_code == 401
    # Routes outside /api are never limited.
    assert (await client.get("/connect/authorize")).status_code == 400


async def test_ietf_headers_behind_the_flag(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(quota_rate=0.5, quota_burst=2)
    r = await client.get("/api/signingSessions/statistics")
    assert "ratelimit" not in r.headers
    sandbox.faults = FaultConfig(quota_rate=0.5, quota_burst=2, quota_headers=True)
    r = await client.get("/api/signingSessions/statistics")
    assert r.headers["ratelimit-policy"] == '"quota";q=2;w=4'
    assert r.headers["ratelimit"] == '"quota";r=0;t=4'  # both tokens taken: full in 4 s
    r = await client.get("/api/signingSessions/statistics")
    assert r.status_code == 429 and r.headers["ratelimit"].startswith('"quota";r=0;')


async def test_quota_statistics(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(quota_rate=0.01, quota_burst=2)
    for _ in range(3):
        await client.get("/api/signingSessions/statistics")
    await client.get(f"{DRAFTS}/missing")  # 429 too: the bucket is empty
    stats = (await client.get("/sandbox/quota")).json()
    assert stats["ok"] == 2 and stats["limited"] == 2 and stats["other"] == 0
    assert stats["first"] <= stats["last"]
    sandbox.quota.reset()
    assert (await client.get("/api/signingSessions/statistics")).status_code == 200


def test_command_line() -> None:
    config = config_from_args(_parser().parse_args(["--quota", "40:10", "--quota-headers"]))
    assert (config.faults.quota_rate, config.faults.quota_burst) == (40.0, 10)
    assert config.faults.quota_headers
    config = config_from_args(_parser().parse_args(["--quota", "7.5"]))
    assert (config.faults.quota_rate, config.faults.quota_burst) == (7.5, None)
    assert config_from_args(_parser().parse_args([])).faults.quota_rate is None
    for bad in ("x", "0", "5:0", "5:x"):
        with pytest.raises(SystemExit):
            _parser().parse_args(["--quota", bad])
