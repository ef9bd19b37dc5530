"""Run one async call per input with bounded concurrency, a rate limit and a crash-safe journal.

:func:`run_batch` feeds the inputs to at most ``concurrency`` worker tasks (an anyio task
group; tasks are not created per input), optionally spaced by a shared :class:`RateLimiter`,
and returns one :class:`BatchResult` per input, in input order. Every ``Exception`` raised by
the call becomes an error result; ``BaseException`` (cancellation, ``KeyboardInterrupt``)
stops the batch and propagates.

**Journal.** With ``journal=<path>`` every input is recorded in an append-only JSON-lines
file: ``{"key": ..., "event": "started"}`` is written and fsynced *before* the call, then
``"succeeded"`` (with ``"result"`` when ``serialize_result`` is given) or ``"failed"`` (with
``"error_type"`` and ``"error"``). Running again with the same journal skips every input whose
key was already started: it comes back with ``skipped=True`` and ``previous`` describing the
recorded outcome. ``"started: outcome unknown — reconcile"`` means the process stopped during
the call: it may or may not have taken effect, so check the server before retrying it (and
delete its lines from the journal to run it again). A last line torn by a crash mid-write is
dropped when the journal is opened.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

import anyio
import attrs

from . import _telemetry
from .errors import EasyInkError

__all__ = [
    "UNKNOWN_OUTCOME",
    "BatchProgress",
    "BatchResult",
    "JournalError",
    "RateLimiter",
    "read_journal",
    "run_batch",
]

T = TypeVar("T")
R = TypeVar("R")

UNKNOWN_OUTCOME = "started: outcome unknown — reconcile"
"""``BatchResult.previous`` of an input whose call was interrupted in an earlier run."""

_MAX_ERROR_TEXT = 2000
_JOURNAL_EVENTS = frozenset({"started", "succeeded", "failed"})


class JournalError(EasyInkError):
    """The journal cannot be read or written; the batch stops (it could not stay safe)."""


@attrs.frozen
class BatchProgress:
    """Counters passed to ``on_progress`` after every change.

    ``total`` is the number of inputs; ``started`` counts calls begun in this run,
    ``succeeded``/``failed`` calls finished, ``skipped`` inputs found in the journal.
    """

    total: int | None
    started: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def in_flight(self) -> int:
        """Calls started and not finished yet."""
        return self.started - self.succeeded - self.failed

    @property
    def done(self) -> int:
        """Inputs settled: finished in this run or skipped."""
        return self.succeeded + self.failed + self.skipped


@attrs.frozen
class BatchResult(Generic[T, R]):
    """The outcome for one input.

    ``ok`` is True when the call ran in this run and returned ``value``; ``error`` holds the
    exception it raised otherwise. ``skipped`` inputs were not called because the journal
    shows them started in an earlier run; ``previous`` is that run's recorded outcome
    (``"succeeded: <result>"``, ``"failed: <type>: <message>"`` or :data:`UNKNOWN_OUTCOME`).
    """

    index: int
    item: T
    key: str
    ok: bool
    value: R | None
    error: BaseException | None
    skipped: bool = False
    previous: str | None = None


class RateLimiter:
    """Spaces calls to at most ``rate_per_second`` on average, allowing ``burst`` at once.

    A GCRA token bucket: each :meth:`acquire` reserves the next free slot and sleeps until
    it. Share one instance between batches to give them a common limit. ``clock`` and
    ``sleep`` default to anyio's and exist for tests.
    """

    def __init__(
        self,
        rate_per_second: float,
        *,
        burst: int = 1,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if not rate_per_second > 0:
            raise ValueError("rate_per_second must be > 0")
        if burst < 1:
            raise ValueError("burst must be >= 1")
        self.rate_per_second = rate_per_second
        self.burst = burst
        self._interval = 1.0 / rate_per_second
        self._clock = clock if clock is not None else anyio.current_time
        self._sleep = sleep if sleep is not None else anyio.sleep
        self._next: float | None = None  # theoretical arrival time of the next call

    def reserve(self) -> float:
        """Take the next slot; return how many seconds to wait for it."""
        now = self._clock()
        tat = now if self._next is None else max(self._next, now)
        allowed_at = tat - (self.burst - 1) * self._interval
        self._next = tat + self._interval
        return max(0.0, allowed_at - now)

    async def acquire(self) -> None:
        """Wait for the next slot (the slot stays used if the wait is cancelled)."""
        delay = self.reserve()
        if delay > 0:
            await self._sleep(delay)


@attrs.frozen
class _Recorded:
    event: str
    detail: str | None


def _describe(recorded: _Recorded) -> str:
    if recorded.event == "succeeded":
        return "succeeded" if recorded.detail is None else f"succeeded: {recorded.detail}"
    if recorded.event == "failed":
        return f"failed: {recorded.detail}"
    return UNKNOWN_OUTCOME


def _decode(raw: bytes) -> dict[str, Any] | None:
    """One journal record, or None when the line is not a valid record."""
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("key"), str)
        or record.get("event") not in _JOURNAL_EVENTS
    ):
        return None
    return record


def _apply(outcomes: dict[str, _Recorded], record: dict[str, Any]) -> None:
    key, event = record["key"], record["event"]
    if event == "started":
        outcomes[key] = _Recorded("started", None)
    elif event == "succeeded":
        result = record.get("result")
        outcomes[key] = _Recorded("succeeded", None if result is None else str(result))
    else:
        detail = f"{record.get('error_type', 'Exception')}: {record.get('error', '')}"
        outcomes[key] = _Recorded("failed", detail)


def _parse_journal(data: bytes, path: Path) -> tuple[dict[str, _Recorded], int]:
    """Recorded outcome per key, and the length of the intact part of ``data``.

    Every record is written as one line ending in a newline, so a last line without one
    (or one that does not parse) is a torn write and is left out; damage elsewhere raises
    :class:`JournalError`.
    """
    outcomes: dict[str, _Recorded] = {}
    position = 0
    number = 0
    while position < len(data):
        number += 1
        newline = data.find(b"\n", position)
        if newline == -1:
            break
        end = newline + 1
        raw = data[position:newline]
        if raw.strip():
            record = _decode(raw)
            if record is None:
                if end == len(data):
                    break
                raise JournalError(f"{path}: line {number} is not a journal record")
            _apply(outcomes, record)
        position = end
    return outcomes, position


def read_journal(path: str | os.PathLike[str]) -> dict[str, str]:
    """The recorded outcome of every key in a journal (as in ``BatchResult.previous``)."""
    target = Path(path)
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        return {}
    outcomes, _ = _parse_journal(data, target)
    return {key: _describe(recorded) for key, recorded in outcomes.items()}


class _Journal:
    """Append-only JSON-lines journal with group commit (one fsync covers waiting writers)."""

    def __init__(self, path: Path, fd: int) -> None:
        self._path = path
        self._fd = fd
        self._lock = anyio.Lock()
        self._pending: list[bytes] = []
        self._queued = 0
        self._durable = 0
        self._broken: Exception | None = None

    @classmethod
    async def open(cls, path: Path) -> tuple[_Journal, dict[str, _Recorded]]:
        """Open (or create) the journal; drop a torn last line; return the recorded outcomes."""

        def _open() -> tuple[int, dict[str, _Recorded]]:
            created = not path.exists()
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
            try:
                size = os.fstat(fd).st_size
                data = os.pread(fd, size, 0) if size else b""
                outcomes, intact = _parse_journal(data, path)
                if intact != len(data):
                    os.ftruncate(fd, intact)
                    os.fsync(fd)
                os.lseek(fd, 0, os.SEEK_END)
                if created:
                    _fsync_directory(path.parent)
            except BaseException:
                os.close(fd)
                raise
            return fd, outcomes

        try:
            fd, outcomes = await anyio.to_thread.run_sync(_open)
        except OSError as exc:
            raise JournalError(f"cannot open journal {path}: {exc}") from exc
        return cls(path, fd), outcomes

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
        os.fsync(self._fd)

    async def append(self, record: dict[str, Any]) -> None:
        """Append ``record`` and return once it is on disk."""
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._pending.append(line.encode("utf-8"))
        self._queued += 1
        ticket = self._queued
        async with self._lock:
            if self._broken is not None:
                raise JournalError(f"journal {self._path} is unusable") from self._broken
            if self._durable >= ticket:
                return
            batch, self._pending = self._pending, []
            upto = self._queued
            try:
                await anyio.to_thread.run_sync(self._write, b"".join(batch))
            except OSError as exc:
                self._broken = exc
                raise JournalError(f"cannot write journal {self._path}: {exc}") from exc
            self._durable = upto

    async def aclose(self) -> None:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(os.close, self._fd)


def _fsync_directory(directory: Path) -> None:
    """Make a new directory entry durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _keys(items: list[T], key: Callable[[T], str] | None) -> list[str]:
    keys = [str(i) if key is None else key(item) for i, item in enumerate(items)]
    seen: set[str] = set()
    duplicates: list[str] = []
    for k in keys:
        if not isinstance(k, str):
            raise TypeError(f"key() must return str, got {type(k).__name__}")
        if k in seen and k not in duplicates:
            duplicates.append(k)
        seen.add(k)
    if duplicates:
        shown = ", ".join(repr(k) for k in duplicates[:5])
        more = f" and {len(duplicates) - 5} more" if len(duplicates) > 5 else ""
        raise ValueError(f"batch keys must be unique; duplicated: {shown}{more}")
    return keys


class _Runner(Generic[T, R]):
    """State shared by the workers of one :func:`run_batch` call."""

    def __init__(
        self,
        fn: Callable[[T], Awaitable[R]],
        *,
        total: int,
        limiter: anyio.CapacityLimiter,
        rate: RateLimiter | None,
        journal: _Journal | None,
        on_progress: Callable[[BatchProgress], None] | None,
        serialize_result: Callable[[R], str] | None,
    ) -> None:
        self.fn = fn
        self.limiter = limiter
        self.rate = rate
        self.journal = journal
        self.on_progress = on_progress
        self.serialize_result = serialize_result
        self.progress = BatchProgress(total=total)
        self.fatal: BaseException | None = None

    def bump(self, **changes: int) -> None:
        fields = {name: getattr(self.progress, name) + step for name, step in changes.items()}
        self.progress = attrs.evolve(self.progress, **fields)
        if self.on_progress is not None:
            self.on_progress(self.progress)

    async def run_one(self, index: int, item: T, key: str) -> BatchResult[T, R]:
        async with self.limiter:
            if self.rate is not None:
                await self.rate.acquire()
            if self.journal is not None:
                await self.journal.append({"key": key, "event": "started", "index": index})
            self.bump(started=1)
            try:
                with _telemetry.batch_row(index, key):
                    value = await self.fn(item)
            except Exception as exc:
                if self.journal is not None:
                    await self.journal.append(
                        {
                            "key": key,
                            "event": "failed",
                            "error_type": type(exc).__name__,
                            "error": str(exc)[:_MAX_ERROR_TEXT],
                        }
                    )
                self.bump(failed=1)
                return BatchResult(index, item, key, ok=False, value=None, error=exc)
            if self.journal is not None:
                record: dict[str, Any] = {"key": key, "event": "succeeded"}
                if self.serialize_result is not None:
                    record["result"] = self.serialize_result(value)
                await self.journal.append(record)
            self.bump(succeeded=1)
            return BatchResult(index, item, key, ok=True, value=value, error=None)

    async def worker(
        self,
        feed: Iterator[tuple[int, T, str]],
        results: list[BatchResult[T, R] | None],
        scope: anyio.CancelScope,
    ) -> None:
        try:
            for index, item, key in feed:
                results[index] = await self.run_one(index, item, key)
        except anyio.get_cancelled_exc_class():
            raise
        except BaseException as exc:
            # Stop the other workers and re-raise this after the task group has exited,
            # so the caller sees the exception itself, not an exception group.
            if self.fatal is None:
                self.fatal = exc
            scope.cancel()


@_telemetry.instrumented("batch")
async def run_batch(
    items: Iterable[T],
    fn: Callable[[T], Awaitable[R]],
    *,
    concurrency: int = 16,
    rate_per_second: float | None = None,
    journal: str | os.PathLike[str] | None = None,
    key: Callable[[T], str] | None = None,
    on_progress: Callable[[BatchProgress], None] | None = None,
    serialize_result: Callable[[R], str] | None = None,
    rate_limiter: RateLimiter | None = None,
    limiter: anyio.CapacityLimiter | None = None,
) -> list[BatchResult[T, R]]:
    """Call ``fn(item)`` for every input; return the results in input order.

    ``concurrency`` bounds the calls in flight (that many worker tasks pull from the inputs);
    ``limiter`` additionally bounds them by a :class:`anyio.CapacityLimiter` shared with other
    code. ``rate_per_second`` spaces the calls (or pass a shared ``rate_limiter``).
    ``key(item)`` names an input in the journal (default: its index as a string, which only
    identifies inputs across runs when they come in the same order); keys must be unique
    (``ValueError`` before anything runs). See the module docs for the journal.
    ``on_progress`` receives a :class:`BatchProgress` after every change.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be >= 1")
    if rate_per_second is not None and rate_limiter is not None:
        raise ValueError("pass either rate_per_second or rate_limiter, not both")
    rate = RateLimiter(rate_per_second) if rate_per_second is not None else rate_limiter
    inputs = list(items)
    keys = _keys(inputs, key)
    results: list[BatchResult[T, R] | None] = [None] * len(inputs)

    opened: _Journal | None = None
    recorded: dict[str, _Recorded] = {}
    if journal is not None:
        opened, recorded = await _Journal.open(Path(journal))
    try:
        runner: _Runner[T, R] = _Runner(
            fn,
            total=len(inputs),
            limiter=limiter if limiter is not None else anyio.CapacityLimiter(concurrency),
            rate=rate,
            journal=opened,
            on_progress=on_progress,
            serialize_result=serialize_result,
        )
        todo: list[tuple[int, T, str]] = []
        for index, (item, k) in enumerate(zip(inputs, keys, strict=True)):
            previous = recorded.get(k)
            if previous is None:
                todo.append((index, item, k))
            else:
                results[index] = BatchResult(
                    index,
                    item,
                    k,
                    ok=False,
                    value=None,
                    error=None,
                    skipped=True,
                    previous=_describe(previous),
                )
        skipped = len(inputs) - len(todo)
        if skipped:
            runner.bump(skipped=skipped)
        feed = iter(todo)
        async with anyio.create_task_group() as tg:
            for _ in range(min(concurrency, len(todo))):
                tg.start_soon(runner.worker, feed, results, tg.cancel_scope)
        if runner.fatal is not None:
            raise runner.fatal
    finally:
        if opened is not None:
            await opened.aclose()
    done = [r for r in results if r is not None]
    if len(done) != len(results):  # pragma: no cover - every input is settled above
        raise RuntimeError("run_batch lost track of some inputs")
    return done
