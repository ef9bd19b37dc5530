"""Ctrl-C during a long command: the first one stops the work cleanly, later ones are noted.

Python's default turns a second Ctrl-C into a ``KeyboardInterrupt`` raised wherever the code
happens to be, which can cut short the shielded cleanup that keeps a batch exactly-once. While
:func:`interruptible` runs, SIGINT and SIGTERM are handled here instead: the first cancels the
work (its cleanup and ledger writes run shielded and bounded), every later one only prints that
the command is still stopping; once the work has stopped they are ignored until the command has
printed its summary and exited.

The signals are taken the way the event loop itself takes them (a do-nothing Python handler, the
signal numbers written by the interpreter to a socket the loop watches), not through the loop's
own signal handlers: removing those puts Python's default handler back, and a Ctrl-C in that gap
raised ``KeyboardInterrupt`` after all. Here the handler goes straight from "do nothing" to
"ignore", which holds for every thread (a signal mask would only hold for the thread setting it,
and the kernel hands a process's signal to any thread that does not block it).
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

import anyio
import attrs

from ._runtime import err

__all__ = ["Interrupted", "interruptible"]

_T = TypeVar("_T")
_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


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
    """Run ``work``; on SIGINT/SIGTERM print ``stopping`` and cancel it (once).

    Outside the main thread (where signal handlers cannot be set) ``work`` simply runs.
    """
    outcome = Interrupted()
    if threading.current_thread() is not threading.main_thread():
        outcome.value = await work()
        return outcome

    async def watch(received: socket.socket, scope: anyio.CancelScope) -> None:
        while True:
            await _wait_readable(received)
            try:
                count = len(received.recv(256))
            except BlockingIOError:
                continue
            for _ in range(count):
                outcome.signals += 1
                if outcome.signals == 1:
                    err(f"interrupted: {stopping}")
                    scope.cancel()
                else:
                    _still_stopping()

    failed: Exception | None = None
    with _signals_to_socket() as (received, ignore_from_now_on):
        async with anyio.create_task_group() as tg:
            with anyio.CancelScope() as work_scope:
                tg.start_soon(watch, received, work_scope)
                try:
                    outcome.value = await work()
                except Exception as exc:  # raised as it is, not inside an exception group
                    failed = exc
            if outcome.stopped:
                # The command only reads the ledger's counts and exits now: a late Ctrl-C must
                # not cut it, not even while the interpreter shuts down (Python leaves an
                # ignored signal ignored then).
                ignore_from_now_on()
            tg.cancel_scope.cancel()
    if failed is not None:
        raise failed
    return outcome


@contextmanager
def _signals_to_socket() -> Iterator[tuple[socket.socket, Callable[[], None]]]:
    """Route SIGINT/SIGTERM to a readable socket; restore the previous handling on exit.

    Yields the socket and a function that makes both signals ignored for the rest of the
    process (the previous handling is then not restored).
    """
    received, sender = socket.socketpair()
    received.setblocking(False)
    sender.setblocking(False)
    ignored = [False]

    def ignore_from_now_on() -> None:
        for sig in _SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        ignored[0] = True

    previous_fd = signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    previous: dict[signal.Signals, _Handler] = {}
    try:
        for sig in _SIGNALS:
            previous[sig] = signal.signal(sig, _noted)
        yield received, ignore_from_now_on
    finally:
        if not ignored[0]:
            for sig, handler in previous.items():
                # None: a handler set outside Python, which cannot be put back from here.
                signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        signal.set_wakeup_fd(previous_fd)
        received.close()
        sender.close()


def _noted(signum: int, frame: FrameType | None) -> None:
    """The Python-level handler: nothing; the interpreter has written ``signum`` to the socket."""


async def _wait_readable(sock: socket.socket) -> None:
    wait = getattr(anyio, "wait_readable", None)  # anyio >= 4.7
    if wait is None:  # pragma: no cover - older anyio
        await anyio.wait_socket_readable(sock)
    else:
        await wait(sock)


def _still_stopping() -> None:
    err("still stopping (the cleanup is bounded); please wait")
