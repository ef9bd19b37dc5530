"""A synchronous facade over the async :class:`~easyink_ext.EasyInk`.

:class:`EasyInkSync` runs one event loop in a background thread (an anyio blocking portal
whose lifetime is the ``with`` block), creates and enters the real ``EasyInk`` inside it, and
runs every call there. So synchronous code gets everything ``EasyInk`` adds (retries, typed
errors, token refresh, validation, the sharded connection pool) from one client and one pool.

``ei.call(fn, *args, **kwargs)`` runs any coroutine function in that loop; when ``fn`` has a
``client`` parameter and the caller passed none, ``client=ei.aio.client`` is added. That covers
every generated ``easyink_client.api`` function (use their ``asyncio`` / ``asyncio_detailed``
variants; the generated ``sync`` variants send through a plain ``httpx.Client`` and are
refused). The high-level helpers (``send_for_signature``, the waiters, the downloads,
``run_batch``, ``iter_sessions``) have blocking methods of the same name.

Threads: any number of threads may call one ``EasyInkSync`` at once; the calls run
concurrently in the loop. Code running *inside* the loop (coroutines passed to ``call``,
``run_batch`` callbacks) must use the async API (``ei.aio``), not the blocking methods.

Interrupts: a ``KeyboardInterrupt`` (or any exception) raised in the calling thread while it
waits cancels that call in the loop, waits until the call has unwound (its cleanup runs, as it
would for a cancelled task) and is then re-raised. A second Ctrl-C stops that wait.

Closing: leaving the ``with`` block (or :meth:`EasyInkSync.close`) refuses new calls, cancels
the calls still running in other threads (they raise ``RuntimeError``), closes ``EasyInk`` and
then stops the loop. Any use afterwards raises ``RuntimeError``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import inspect
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, cast

import anyio
from anyio.from_thread import BlockingPortal, start_blocking_portal

from easyink_client.models.search_status import SearchStatus
from easyink_client.models.signing_session_item import SigningSessionItem
from easyink_client.models.signing_session_search_result import SigningSessionSearchResult

from . import downloads, pagination, waiters, workflow
from ._client import EasyInk
from .batch import BatchResult, run_batch

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._client import EasyInkOptions, ViewOptions
    from .resources import DraftsSync, SessionsSync

__all__ = ["EasyInkSync"]

_T = TypeVar("_T")
_R = TypeVar("_R")
_P = ParamSpec("_P")

_CLOSED_MESSAGE = "this EasyInkSync is closed; create a new one (with EasyInkSync(...) as ei: ...)"
_NOT_OPEN_MESSAGE = "this EasyInkSync is not open yet; use it as `with EasyInkSync(...) as ei:`"
_CLOSED_WHILE_RUNNING = "this EasyInkSync was closed while the call was running"
_IN_LOOP_MESSAGE = (
    "EasyInkSync's blocking methods cannot be called from inside its event loop "
    "(in a coroutine or a run_batch callback): await the async API via ei.aio instead"
)


class _Sentinel:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


# What a call whose cancellation was requested by this module returns instead of a result.
_CANCELLED: Any = _Sentinel("CANCELLED")
# What one step of an async iterator returns once it is exhausted.
_EXHAUSTED: Any = _Sentinel("EXHAUSTED")


class _Call:
    """One call submitted to the loop; ``cancel`` runs in the loop thread."""

    def __init__(self) -> None:
        self.cancelled = False
        self.scope: anyio.CancelScope | None = None
        self.finished = False
        self.done = threading.Event()

    def cancel(self) -> bool:
        """Cancel the call; True when it is running and must be waited for (loop thread)."""
        self.cancelled = True
        if self.scope is None or self.finished:
            return False
        self.scope.cancel()
        return True


async def _invoke(
    call: _Call, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    if call.cancelled:  # cancelled before it was scheduled: do not start it at all
        return _CANCELLED
    try:
        with anyio.CancelScope() as scope:
            call.scope = scope
            awaitable = fn(*args, **kwargs)
            if not inspect.isawaitable(awaitable):
                raise TypeError(
                    f"{_name(fn)} returned {type(awaitable).__name__}, not an awaitable: "
                    "EasyInkSync runs coroutine functions"
                )
            return await awaitable
        return _CANCELLED  # the scope absorbed the cancellation requested by _abandon
    finally:
        call.finished = True
        call.done.set()


def _name(fn: object) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def _accepts_client(fn: Callable[..., Any]) -> bool:
    try:
        return _accepts_client_cached(fn)
    except TypeError:  # unhashable callable
        return _signature_has_client(fn)


@functools.lru_cache(maxsize=512)
def _accepts_client_cached(fn: Callable[..., Any]) -> bool:
    return _signature_has_client(fn)


def _signature_has_client(fn: Callable[..., Any]) -> bool:
    try:
        parameter = inspect.signature(fn).parameters.get("client")
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )


def _is_generated_sync(fn: Callable[..., Any]) -> bool:
    module = getattr(fn, "__module__", None) or ""
    return module.startswith("easyink_client.api.") and getattr(fn, "__name__", "") in (
        "sync",
        "sync_detailed",
    )


async def _next_item(iterator: AsyncIterator[_T]) -> _T:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return cast(_T, _EXHAUSTED)


class _Runtime:
    """The loop shared by an :class:`EasyInkSync` and its views."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state = "new"  # new -> opening -> open -> closing -> closed
        self.portal: BlockingPortal | None = None
        self.loop_thread: int | None = None
        self.calls: set[_Call] = set()
        self.stack = contextlib.ExitStack()

    def check_open(self, *, from_loop: bool = False) -> BlockingPortal:
        """The portal, or RuntimeError when not open (call with ``lock`` held).

        Blocking on the loop from its own thread would deadlock: refused unless ``from_loop``.
        """
        if self.state in ("closing", "closed"):
            raise RuntimeError(_CLOSED_MESSAGE)
        if self.state != "open" or self.portal is None:
            raise RuntimeError(_NOT_OPEN_MESSAGE)
        if not from_loop and threading.get_ident() == self.loop_thread:
            raise RuntimeError(_IN_LOOP_MESSAGE)
        return self.portal

    def run(
        self, fn: Callable[..., Awaitable[_T]], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> _T:
        """Run ``fn(*args, **kwargs)`` in the loop and wait for its outcome."""
        call = _Call()
        with self.lock:
            portal = self.check_open()
            self.calls.add(call)
        try:
            try:
                future = portal.start_task_soon(_invoke, call, fn, args, kwargs)
                concurrent.futures.wait((future,))
            except BaseException as exc:
                # Interrupted while waiting (Ctrl-C, or an exception from a signal handler):
                # cancel the call in the loop and wait until it has unwound.
                _abandon(portal, call)
                if isinstance(exc, RuntimeError) and self.state != "open":
                    raise RuntimeError(_CLOSED_WHILE_RUNNING) from exc
                raise
        finally:
            with self.lock:
                self.calls.discard(call)
        try:
            result = future.result()
        except concurrent.futures.CancelledError:
            raise RuntimeError(_CLOSED_WHILE_RUNNING) from None
        if result is _CANCELLED:
            raise RuntimeError(_CLOSED_WHILE_RUNNING)
        return cast(_T, result)


def _abandon(portal: BlockingPortal, call: _Call) -> None:
    """Cancel ``call`` in the loop and wait until it has finished unwinding."""
    try:
        running = portal.call(call.cancel)
    except RuntimeError:  # the loop is gone: nothing left to cancel
        return
    if running:
        call.done.wait()


def _with_ei(
    fn: Callable[Concatenate[EasyInk, _P], Awaitable[_R]],
) -> Callable[Concatenate[EasyInkSync, _P], _R]:
    """A blocking method running ``fn(ei.aio, ...)`` in the loop."""

    def method(self: EasyInkSync, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        return self._run(fn, self._async_client(), *args, **kwargs)

    method.__name__ = fn.__name__
    method.__qualname__ = f"EasyInkSync.{fn.__name__}"
    method.__doc__ = (
        f"Blocking :func:`easyink_ext.{fn.__name__}` with this client: same arguments "
        f"without ``ei``.\n\n{inspect.getdoc(fn) or ''}"
    )
    return method


class EasyInkSync:
    """Blocking EasyInk client: ``with EasyInkSync(base_url=..., token=...) as ei: ...``.

    Takes the keyword arguments of :class:`~easyink_ext.EasyInk` (checked at once, used when
    the ``with`` block starts, where the ``EasyInk`` is created inside the background loop).

    * ``ei.drafts`` / ``ei.sessions``: the resources of ``EasyInk`` with the same names,
      arguments and return types, blocking (``ei.sessions.list`` is a plain iterator).

    * ``ei.call(create_draft.asyncio, body=...)`` / ``ei.call(get_draft.asyncio, draft_id)``:
      any coroutine function, with ``client=`` added when it takes one; returns its result and
      raises its exceptions (the typed :mod:`easyink_ext.errors`) in the calling thread.
    * ``send_for_signature``, ``wait_for_session``, ``wait_for_documents_processed``,
      ``download`` and the ``download_*`` helpers: the async helpers without their ``ei``
      argument. ``run_batch(items, fn, ...)``: ``fn`` is a coroutine function run in the loop.
      ``iter_sessions(...)`` / ``search_pages(...)``: plain lazy iterators.
    * ``ei.aio``: the async ``EasyInk`` (for coroutines run with ``ei.call``).
    * ``ei.with_options(...)``: a view sharing the loop, pool, auth and retry budget.
    """

    def __init__(self, **options: Unpack[EasyInkOptions]) -> None:
        inspect.signature(EasyInk).bind(**options)  # unknown keywords fail here, not later
        self._options = options
        self._runtime = _Runtime()
        self._aio: EasyInk | None = None
        self._owner = True

    # -- lifetime --------------------------------------------------------------------------

    def __enter__(self) -> EasyInkSync:
        runtime = self._runtime
        with runtime.lock:
            if not self._owner:
                return self  # a view: the owner manages the loop
            if runtime.state != "new":
                raise RuntimeError("an EasyInkSync can be entered only once")
            runtime.state = "opening"
        try:
            portal = runtime.stack.enter_context(start_blocking_portal(name="easyink-sync"))
            self._aio = portal.call(self._open_async)
            loop_thread = portal.call(threading.get_ident)
        except BaseException:
            with runtime.lock:
                runtime.state = "closed"
            runtime.stack.close()
            raise
        with runtime.lock:
            runtime.portal = portal
            runtime.loop_thread = loop_thread
            runtime.state = "open"
        return self

    async def _open_async(self) -> EasyInk:
        return await EasyInk(**self._options).__aenter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close ``EasyInk``, then stop the loop (no-op for views and when already closed)."""
        if not self._owner:
            return
        runtime = self._runtime
        with runtime.lock:
            if runtime.state in ("new", "opening"):
                runtime.state = "closed"
                return
            if runtime.state != "open":
                return
            if threading.get_ident() == runtime.loop_thread:
                raise RuntimeError(_IN_LOOP_MESSAGE)
            runtime.state = "closing"
            running = list(runtime.calls)
        portal = runtime.portal
        assert portal is not None and self._aio is not None
        try:
            for call in running:
                _abandon(portal, call)
            portal.call(self._aio.aclose)
        finally:
            with runtime.lock:
                runtime.state = "closed"
            # Whatever still runs in the loop (nothing, normally) is cancelled, not waited for.
            with contextlib.suppress(RuntimeError):
                portal.call(portal.stop, True)
            runtime.stack.close()

    @property
    def closed(self) -> bool:
        """True once the owning client has been closed."""
        return self._runtime.state in ("closing", "closed")

    # -- the async client ------------------------------------------------------------------

    def _async_client(self) -> EasyInk:
        with self._runtime.lock:
            self._runtime.check_open(from_loop=True)
        assert self._aio is not None
        return self._aio

    @property
    def aio(self) -> EasyInk:
        """The async ``EasyInk`` this facade runs (use it inside coroutines given to ``call``)."""
        return self._async_client()

    @cached_property
    def drafts(self) -> DraftsSync:
        """Blocking ``ei.drafts``: the methods of ``EasyInk.drafts`` with the same names and
        arguments (the client must be open)."""
        from .resources import DraftsSync

        return DraftsSync(self, self._async_client().drafts)

    @cached_property
    def sessions(self) -> SessionsSync:
        """Blocking ``ei.sessions`` (``list`` is a plain iterator); the client must be open."""
        from .resources import SessionsSync

        return SessionsSync(self, self._async_client().sessions)

    def with_options(self, **options: Unpack[ViewOptions]) -> EasyInkSync:
        """A view with other per-call settings (``timeout``, ``max_retries``, ``backoff_base``,
        ``backoff_max``, ``max_retry_after``) sharing this client's loop, pool, auth and budget.

        Closing a view does nothing; the original client owns the loop and the pool.
        """
        aio = self._async_client()

        async def make_view() -> EasyInk:
            return aio.with_options(**options)

        view = object.__new__(EasyInkSync)
        view._options = self._options
        view._runtime = self._runtime
        view._aio = self._run(make_view)
        view._owner = False
        return view

    # -- running coroutines ----------------------------------------------------------------

    def _run(self, fn: Callable[..., Awaitable[_T]], /, *args: Any, **kwargs: Any) -> _T:
        return self._runtime.run(fn, args, kwargs)

    def call(self, fn: Callable[..., Awaitable[_T]], /, *args: Any, **kwargs: Any) -> _T:
        """Run ``await fn(*args, **kwargs)`` in the loop and return its result.

        ``client=ei.aio.client`` is added when ``fn`` has a ``client`` parameter and none was
        passed, so every generated ``asyncio`` / ``asyncio_detailed`` function works as is.
        Exceptions are raised unchanged in the calling thread.
        """
        if _is_generated_sync(fn):
            raise TypeError(
                f"{fn.__module__}.{fn.__name__} sends through a plain httpx.Client and "
                "bypasses EasyInk: pass the asyncio variant to call()"
            )
        if "client" not in kwargs and _accepts_client(fn):
            kwargs["client"] = self._async_client().client
        return self._run(fn, *args, **kwargs)

    # -- high-level helpers ----------------------------------------------------------------

    send_for_signature = _with_ei(workflow.send_for_signature)
    wait_for_session = _with_ei(waiters.wait_for_session)
    wait_for_documents_processed = _with_ei(waiters.wait_for_documents_processed)
    download = _with_ei(downloads.download)
    download_draft_document = _with_ei(downloads.download_draft_document)
    download_draft_attachment = _with_ei(downloads.download_draft_attachment)
    download_session_document = _with_ei(downloads.download_session_document)
    download_session_attachment = _with_ei(downloads.download_session_attachment)
    download_signed_document = _with_ei(downloads.download_signed_document)
    download_all_in_one_document = _with_ei(downloads.download_all_in_one_document)

    def run_batch(
        self,
        items: Iterable[_T],
        fn: Callable[[_T], Awaitable[_R]],
        **options: Any,
    ) -> list[BatchResult[_T, _R]]:
        """Blocking :func:`easyink_ext.run_batch`: ``fn`` (a coroutine function) runs in the
        loop, so it must use the async API (``ei.aio``); ``on_progress`` is called there too.
        Takes the keyword arguments of ``run_batch``.
        """
        return self._run(run_batch, items, fn, **options)

    def iter_sessions(
        self,
        *,
        statuses: Iterable[SearchStatus | str] | None = None,
        sorting: Iterable[pagination.SortRule] | None = None,
        page_size: int = 20,
    ) -> Iterator[SigningSessionItem]:
        """Iterate over matching sessions; each page is fetched when the iteration reaches it."""
        aio = self._async_client()
        return self._iterate(
            aio.iter_sessions(statuses=statuses, sorting=sorting, page_size=page_size)
        )

    def search_pages(
        self,
        *,
        statuses: Iterable[SearchStatus | str] | None = None,
        sorting: Iterable[pagination.SortRule] | None = None,
        page_size: int = 20,
        start_page: int = 0,
    ) -> Iterator[SigningSessionSearchResult]:
        """Iterate over whole result pages of a session search, fetched one at a time."""
        aio = self._async_client()
        return self._iterate(
            aio.search_pages(
                statuses=statuses, sorting=sorting, page_size=page_size, start_page=start_page
            )
        )

    def _iterate(self, source: AsyncIterator[_T]) -> Iterator[_T]:
        return _SyncIterator(self, source)

    def __repr__(self) -> str:
        state = self._runtime.state
        inner = repr(self._aio) if self._aio is not None else repr(self._options.get("base_url"))
        return f"EasyInkSync({inner}, state={state}{', view' if not self._owner else ''})"


class _SyncIterator(Generic[_T]):
    """A blocking iterator over an async iterator whose steps run in the loop."""

    def __init__(self, owner: EasyInkSync, source: AsyncIterator[_T]) -> None:
        self._owner = owner
        self._source = source
        self._done = False

    def __iter__(self) -> _SyncIterator[_T]:
        return self

    def __next__(self) -> _T:
        if self._done:
            raise StopIteration
        try:
            item: _T = self._owner._run(_next_item, self._source)
        except BaseException:
            self._done = True
            raise
        if item is _EXHAUSTED:
            self._done = True
            raise StopIteration
        return item

    def close(self) -> None:
        """Stop early and release the async iterator (runs its cleanup in the loop)."""
        if self._done:
            return
        self._done = True
        aclose = getattr(self._source, "aclose", None)
        if aclose is not None and not self._owner.closed:
            with contextlib.suppress(RuntimeError):
                self._owner._run(aclose)

    def __enter__(self) -> _SyncIterator[_T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
