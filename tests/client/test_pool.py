"""The sharded connection pool: per-task shards, split limits, closing, and use by EasyInk."""

from __future__ import annotations

import asyncio
import sys
from uuid import UUID

import httpx
import pytest

from easyink_client.api.signing_session_drafts import create_draft, get_draft
from easyink_client.models import CreateDraftRequest
from easyink_ext import EasyInk
from easyink_ext._client import DEFAULT_POOL_SHARDS
from easyink_ext._pool import DEFAULT_LIMITS, ShardedTransport, split_limits
from easyink_sandbox import SandboxConfig, run_server

from ..conftest import BASE_URL, TOKEN, MockAPI, pool_of


async def test_same_task_keeps_its_shard_and_tasks_spread_round_robin() -> None:
    transport = ShardedTransport(4)
    try:

        async def shards_seen() -> list[int]:
            seen = []
            for _ in range(3):
                seen.append(transport.pools.index(transport.pool_for_current_task()))
                await asyncio.sleep(0)
            return seen

        results = await asyncio.gather(*(shards_seen() for _ in range(8)))
        for seen in results:
            assert len(set(seen)) == 1  # one task, one shard
        firsts = [seen[0] for seen in results]
        assert sorted(firsts) == [0, 0, 1, 1, 2, 2, 3, 3]  # round-robin over the shards
    finally:
        await transport.aclose()


async def test_finished_tasks_are_forgotten() -> None:
    transport = ShardedTransport(2)

    async def touch() -> None:
        transport.pool_for_current_task()

    await asyncio.gather(*(touch() for _ in range(5)))
    await asyncio.sleep(0)
    assert len(transport._by_task) <= 1  # only the current test task may remain
    await transport.aclose()


def test_outside_any_task_uses_shard_zero() -> None:
    transport = ShardedTransport(3)
    assert transport.pool_for_current_task() is transport.pools[0]
    assert transport.pool_for_current_task() is transport.pools[0]


@pytest.mark.parametrize(
    ("limits", "shards", "expected"),
    [
        (httpx.Limits(max_connections=100, max_keepalive_connections=20), 8, (12, 2)),
        (DEFAULT_LIMITS, 16, (6, 6)),
        (httpx.Limits(max_connections=100, max_keepalive_connections=20), 32, (3, 1)),
        (httpx.Limits(max_connections=4, max_keepalive_connections=2), 1, (4, 2)),
        (httpx.Limits(max_connections=None, max_keepalive_connections=None), 8, (None, None)),
    ],
)
def test_limits_are_split_over_the_shards(
    limits: httpx.Limits, shards: int, expected: tuple[int | None, int | None]
) -> None:
    share = split_limits(limits, shards)
    assert (share.max_connections, share.max_keepalive_connections) == expected
    assert share.keepalive_expiry == limits.keepalive_expiry
    transport = ShardedTransport(shards, limits=limits)
    assert transport.shard_limits == share
    assert len(transport.pools) == shards
    # Every pool really got the share (httpcore pool attributes).
    connections, keepalive = (sys.maxsize if n is None else n for n in expected)
    for pool in transport.pools:
        assert pool._pool._max_connections == connections
        assert pool._pool._max_keepalive_connections == min(connections, keepalive)


def test_shards_share_one_tls_context() -> None:
    transport = ShardedTransport(4, http2=False)
    contexts = {id(pool._pool._ssl_context) for pool in transport.pools}
    assert len(contexts) == 1


def test_shards_must_be_positive() -> None:
    with pytest.raises(ValueError, match="shards"):
        ShardedTransport(0)


async def test_aclose_closes_every_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    transport = ShardedTransport(3)
    closed: list[int] = []
    for index, pool in enumerate(transport.pools):
        original = pool.aclose

        async def record(index: int = index, original: object = original) -> None:
            closed.append(index)
            if index == 1:
                raise RuntimeError("shard 1 failed to close")

        monkeypatch.setattr(pool, "aclose", record)
    with pytest.raises(RuntimeError, match="shard 1"):
        await transport.aclose()
    assert closed == [0, 1, 2]  # a failing shard does not stop the others


async def test_easyink_default_transport_is_sharded() -> None:
    ei = EasyInk(base_url=BASE_URL, token=TOKEN)
    inner = pool_of(ei)
    assert isinstance(inner, ShardedTransport)
    assert inner.shards == DEFAULT_POOL_SHARDS
    assert inner.limits == DEFAULT_LIMITS
    await ei.aclose()

    single = EasyInk(base_url=BASE_URL, token=TOKEN, pool_shards=1)
    assert type(pool_of(single)) is httpx.AsyncHTTPTransport
    await single.aclose()

    limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    custom = EasyInk(base_url=BASE_URL, token=TOKEN, pool_shards=4, limits=limits)
    inner = pool_of(custom)
    assert isinstance(inner, ShardedTransport)
    assert inner.shard_limits == split_limits(limits, 4)
    await custom.aclose()


async def test_user_transport_is_used_as_is(api: MockAPI) -> None:
    user_transport = api.transport()
    async with EasyInk(base_url=BASE_URL, token=TOKEN, transport=user_transport) as ei:
        assert pool_of(ei) is user_transport
    with pytest.raises(ValueError, match="pool_shards"):
        EasyInk(base_url=BASE_URL, token=TOKEN, transport=user_transport, pool_shards=4)
    async with httpx.AsyncClient() as http:
        with pytest.raises(ValueError, match="pool_shards"):
            EasyInk(base_url=BASE_URL, token=TOKEN, http_client=http, limits=DEFAULT_LIMITS)
    with pytest.raises(ValueError, match="pool_shards"):
        EasyInk(base_url=BASE_URL, token=TOKEN, pool_shards=0)


@pytest.mark.integration
async def test_concurrent_tasks_over_a_real_socket_use_their_own_shards() -> None:
    shards, tasks, calls = 4, 8, 3
    async with run_server(SandboxConfig()) as server:
        sandbox = server.sandbox
        async with EasyInk(
            base_url=server.url, token=sandbox.issue_token(), pool_shards=shards
        ) as ei:
            transport = pool_of(ei)
            assert isinstance(transport, ShardedTransport)

            async def workflow(n: int) -> int:
                pool = transport.pool_for_current_task()
                draft = await create_draft.asyncio(
                    client=ei.client, body=CreateDraftRequest(subject=f"shard test {n}")
                )
                assert isinstance(draft, UUID)
                for _ in range(calls - 1):
                    details = await get_draft.asyncio(draft, client=ei.client)
                    assert details is not None
                assert transport.pool_for_current_task() is pool
                return transport.pools.index(pool)

            used = await asyncio.gather(*(workflow(n) for n in range(tasks)))
            assert sorted(used) == sorted(list(range(shards)) * (tasks // shards))
            # Each shard served its own tasks only: at most one connection per task.
            per_shard = [len(pool._pool.connections) for pool in transport.pools]
            assert all(1 <= count <= tasks // shards for count in per_shard)
        assert len(sandbox.request_log) == tasks * calls
        for pool in transport.pools:
            assert pool._pool.connections == []  # closed with the client
