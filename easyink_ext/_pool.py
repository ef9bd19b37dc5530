"""A connection pool split into shards, one shard per asyncio task (round-robin).

:class:`ShardedTransport` holds ``shards`` independent ``httpx.AsyncHTTPTransport`` pools.
The first request of an asyncio task picks the next shard round-robin; the task keeps that
shard for its lifetime (remembered in a ``weakref.WeakKeyDictionary``, so finished tasks are
forgotten). A task's sequential requests therefore reuse one connection of one small pool.
Under trio the trio task plays the same role (trio is only looked at when already imported);
outside any task every request uses shard 0.

**Why.** httpcore's ``AsyncConnectionPool`` re-examines *every* pooled connection for every
queued request each time a request starts or ends (``_assign_requests_to_connections``: list
copies, ``is_idle``/``is_available`` per connection, and ``has_expired``, which polls the
socket of each idle connection with a system call). That is O(connections) work per request
(O(connections x waiting requests) when requests queue), negligible with a few connections
but the dominant client CPU cost with ~32 concurrent tasks on one pool. With ``shards`` pools
each holds about ``tasks / shards`` connections, so the scan stays short.

**What it costs.** Connections are not shared across shards: an idle connection in one shard
cannot serve a task bound to another, so up to ``shards`` more TCP (and TLS) connections to one
host may be opened than with one pool, and keep-alive expiry (``keepalive_expiry``) is per
shard: a shard whose tasks are quiet lets its connections expire even while other shards are
busy. ``httpx.Limits`` are divided over the shards (``max_connections`` and
``max_keepalive_connections`` each divided by ``shards``, at least 1 per shard; ``None`` stays
unlimited), so the client's total never exceeds what was configured unless ``shards`` exceeds
a limit. A shard cannot borrow another shard's unused allowance: tasks are spread by count, not
by load, so when more of one shard's tasks are in flight than its share of ``max_connections``,
they wait for that shard's connections (and may hit the pool timeout) even if other shards are
idle.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import weakref
from typing import Any

import httpx

__all__ = ["DEFAULT_LIMITS", "ShardedTransport", "split_limits"]

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)
"""Default limits of EasyInk's pool (totals over all shards).

httpx's own default keeps only 20 keep-alive connections, and httpcore 1.0 closes a connection
that becomes idle whenever its pool holds more connections than that, so with more concurrent
tasks than the keep-alive limit nearly every request opens a new TCP connection. Keeping as many
idle connections as connections avoids that; idle ones still close after ``keepalive_expiry``.
"""


def _share(total: int | None, shards: int) -> int | None:
    return None if total is None else max(1, total // shards)


def split_limits(limits: httpx.Limits, shards: int) -> httpx.Limits:
    """One shard's share of ``limits`` (each count divided by ``shards``, at least 1)."""
    return httpx.Limits(
        max_connections=_share(limits.max_connections, shards),
        max_keepalive_connections=_share(limits.max_keepalive_connections, shards),
        keepalive_expiry=limits.keepalive_expiry,
    )


def _trio_task() -> object:
    """The running trio task, if trio is imported and running; else None."""
    trio = sys.modules.get("trio")
    if trio is None:
        return None
    try:
        task: object = trio.lowlevel.current_task()
    except RuntimeError:
        return None
    return task


class ShardedTransport(httpx.AsyncBaseTransport):
    """``shards`` connection pools; each asyncio task sends through one of them.

    ``limits`` is the total over every shard (see :func:`split_limits`); other keyword
    arguments (``verify``, ``cert``, ``http2``, ``proxy``, ``retries``, ``local_address``,
    ``socket_options``...) are passed to every ``httpx.AsyncHTTPTransport``.
    """

    def __init__(
        self,
        shards: int,
        *,
        limits: httpx.Limits = DEFAULT_LIMITS,
        **transport_options: Any,
    ) -> None:
        if shards < 1:
            raise ValueError("shards must be >= 1")
        share = split_limits(limits, shards)
        self.limits = limits
        self.shard_limits = share
        # One TLS context for every shard: building one loads the CA bundle (tens of ms of CPU).
        context = httpx.create_ssl_context(
            verify=transport_options.pop("verify", True),
            cert=transport_options.pop("cert", None),
            trust_env=transport_options.get("trust_env", True),
        )
        self.pools: tuple[httpx.AsyncHTTPTransport, ...] = tuple(
            httpx.AsyncHTTPTransport(verify=context, limits=share, **transport_options)
            for _ in range(shards)
        )
        self._by_task: weakref.WeakKeyDictionary[object, httpx.AsyncHTTPTransport]
        self._by_task = weakref.WeakKeyDictionary()
        self._next = itertools.cycle(self.pools)

    @property
    def shards(self) -> int:
        """Number of pools."""
        return len(self.pools)

    def pool_for_current_task(self) -> httpx.AsyncHTTPTransport:
        """The pool of the running asyncio task (assigned on first use); shard 0 without one."""
        try:
            task: object = asyncio.current_task()
        except RuntimeError:  # no running asyncio loop
            task = _trio_task()
        if task is None:
            return self.pools[0]
        pool = self._by_task.get(task)
        if pool is None:
            pool = self._by_task[task] = next(self._next)
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.pool_for_current_task().handle_async_request(request)

    async def aclose(self) -> None:
        """Close every shard (all of them, even when one fails; the first error is raised)."""
        error: BaseException | None = None
        for pool in self.pools:
            try:
                await pool.aclose()
            except Exception as exc:  # close the rest first
                if error is None:
                    error = exc
        if error is not None:
            raise error

    def __repr__(self) -> str:
        return f"ShardedTransport(shards={self.shards}, limits={self.limits!r})"
