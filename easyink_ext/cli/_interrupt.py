"""Ctrl-C during a long command: the first one stops the work cleanly, later ones are noted.

Python's default turns a second Ctrl-C into a ``KeyboardInterrupt`` raised wherever the code
happens to be, which can cut short the shielded cleanup that keeps a batch exactly-once. While
:func:`interruptible` runs, SIGINT and SIGTERM are handled here instead: the first cancels the
work (its cleanup and ledger writes run shielded and bounded), every later one only prints that
the command is still stopping; once the work has stopped they are held back until the command
has printed its summary and exited.
"""

from __future__ import annotations

import signal
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
import attrs

from ._runtime import err

__all__ = ["Interrupted", "interruptible"]

_T = TypeVar("_T")
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@attrs.define
class Interrupted:
    """What :func:`interruptible` returns: the work's value, unless a signal stopped it."""

    value: object = None
    signals: int = 0

    @property
    def stopped(self) -> bool:
        """A signal cancelled the work."""
        return self.signals > 0


async def interruptible(work: Callable[[], Awaitable[_T]], stopping: str) -> Interrupted:
    """Run ``work``; on SIGINT/SIGTERM print ``stopping`` and cancel it (once)."""
    outcome = Interrupted()

    async def watch(scope: anyio.CancelScope) -> None:
        with anyio.open_signal_receiver(*_SIGNALS) as received:
            async for _ in received:
                outcome.signals += 1
                if outcome.signals == 1:
                    err(f"interrupted: {stopping}")
                    scope.cancel()
                else:
                    _still_stopping()

    failed: Exception | None = None
    async with anyio.create_task_group() as tg:
        with anyio.CancelScope() as work_scope:
            tg.start_soon(watch, work_scope)
            try:
                outcome.value = await work()
            except Exception as exc:  # raised as it is, not inside an exception group
                failed = exc
        if outcome.stopped and hasattr(signal, "pthread_sigmask"):
            # The command only reads the ledger's counts and exits now: a late Ctrl-C must not
            # cut it (not even while the interpreter shuts down, when Python's handlers are
            # gone). Held back before the receiver closes: once it has, Python's default handler
            # is back, and a signal arriving in between would raise KeyboardInterrupt.
            signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        tg.cancel_scope.cancel()
    if failed is not None:
        raise failed
    return outcome


def _still_stopping() -> None:
    err("still stopping (the cleanup is bounded); please wait")
