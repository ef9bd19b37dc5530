"""EasyInkSync: the blocking facade, against the sandbox served by uvicorn on 127.0.0.1.

Every test is a plain ``def``: no event loop runs in the test thread.
"""

from __future__ import annotations

import concurrent.futures
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import anyio
import anyio.lowlevel
import httpx
import pytest

from easyink_client import AuthenticatedClient
from easyink_client.api.signing_session_drafts import (
    add_draft_participant,
    create_draft,
    get_draft,
)
from easyink_client.models import (
    AddDraftParticipantRequest,
    CreateDraftRequest,
    DeliveryMethod,
    SigningConfiguration,
)
from easyink_ext import (
    EasyInk,
    EasyInkSync,
    NotFoundError,
    PollPolicy,
    RequestValidationError,
    Signer,
)
from easyink_sandbox import simple_pdf
from easyink_sandbox.testing import ApiRequest, EasyInkSandbox

pytestmark = pytest.mark.integration

_FAST_POLL = PollPolicy(initial=0.02, maximum=0.2, multiplier=1.5)


@pytest.fixture
def ei(easyink_sandbox: EasyInkSandbox, backend: str) -> Iterator[EasyInkSync]:
    with EasyInkSync(
        base_url=easyink_sandbox.url,
        token=easyink_sandbox.token,
        backoff_base=0.001,
        backend=backend,
    ) as client:
        assert client.aio.backend == backend
        yield client


def _draft(ei: EasyInkSync, subject: str) -> UUID:
    draft = ei.call(create_draft.asyncio, body=CreateDraftRequest(subject=subject))
    assert isinstance(draft, UUID)
    return draft


class _Log:
    """This test's requests as the sandbox recorded them, since the last :meth:`reset`."""

    def __init__(self, sandbox: EasyInkSandbox) -> None:
        self._sandbox = sandbox
        self._base = 0

    def settled(self) -> list[ApiRequest]:
        return self._sandbox.requests[self._base :]

    def reset(self) -> None:
        self._base = len(self._sandbox.requests)

    def searches(self) -> int:
        return sum(1 for r in self.settled() if r.operation_id == "searchSessions")


@pytest.fixture
def log(easyink_sandbox: EasyInkSandbox) -> _Log:
    return _Log(easyink_sandbox)


def test_call_injects_the_client_and_returns_results(ei: EasyInkSync, log: _Log) -> None:
    draft = _draft(ei, "sync draft")
    config = ei.call(get_draft.asyncio, draft)  # positional id, client= injected
    assert isinstance(config, SigningConfiguration)
    assert config.signing_session_id == draft
    assert config.subject == "sync draft"
    assert [(r.method, r.status) for r in log.settled()] == [("POST", 200), ("GET", 200)]

    async def no_client(value: int) -> int:  # no client parameter: nothing is added
        await anyio.lowlevel.checkpoint()
        return value * 2

    assert ei.call(no_client, 21) == 42

    async def which_client(*, client: AuthenticatedClient) -> AuthenticatedClient:
        return client

    assert ei.call(which_client) is ei.aio.client
    other = AuthenticatedClient(base_url=ei.aio.base_url, token="x")
    assert ei.call(which_client, client=other) is other  # an explicit client wins


def test_generated_sync_functions_are_refused(
    ei: EasyInkSync, easyink_sandbox: EasyInkSandbox
) -> None:
    with pytest.raises(TypeError, match="asyncio variant"):
        ei.call(create_draft.sync, body=CreateDraftRequest(subject="x"))  # type: ignore[arg-type]
    assert easyink_sandbox.requests == []


def test_typed_errors_are_raised_in_the_calling_thread(ei: EasyInkSync) -> None:
    missing = uuid4()
    with pytest.raises(NotFoundError) as info:
        ei.call(get_draft.asyncio, missing)
    assert info.value.status_code == 404
    assert info.value.code == "NotFound"
    assert info.value.method == "GET"
    assert str(missing) in info.value.url


def test_request_validation_happens_before_any_request(ei: EasyInkSync, log: _Log) -> None:
    draft = _draft(ei, "bad phone")
    log.reset()
    request = AddDraftParticipantRequest(
        first_name="Ann",
        last_name="Lee",
        phone="12",
        delivery_methods=[DeliveryMethod.SMS],
    )
    with pytest.raises(RequestValidationError, match="phone"):
        ei.call(add_draft_participant.asyncio, draft, body=request)
    ei.call(get_draft.asyncio, draft)  # a request that does reach the sandbox, for contrast
    assert [(r.method, r.status) for r in log.settled()] == [("GET", 200)]


def test_send_sign_wait_and_download(ei: EasyInkSync, tmp_path: Path) -> None:
    sent = ei.send_for_signature(
        documents=[("contract.pdf", simple_pdf(["Contract"]))],
        signers=[Signer("Ann Lee", email="ann@example.com"), Signer("Bo Chen", phone="5551234567")],
        subject="sync flow",
    )
    assert len(sent.participant_ids) == 2

    async def sign(session_id: UUID, participant_id: UUID) -> dict[str, Any]:
        path = f"/sandbox/signingSessions/{session_id}/participants/{participant_id}/sign"
        response = await ei.aio.http_client.post(path)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    answers = [ei.call(sign, sent.session_id, pid) for pid in sent.participant_ids]
    assert [a["participantStatus"] for a in answers] == ["Signed", "Signed"]

    view = ei.wait_for_session(
        sent.session_id, until=["Finished"], documents_ready=True, poll=_FAST_POLL
    )
    assert view.status == "Finished"

    result = ei.download_all_in_one_document(sent.session_id, tmp_path / "all-in-one.pdf")
    assert result.path == tmp_path / "all-in-one.pdf"
    data = (tmp_path / "all-in-one.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert result.bytes_written == len(data)
    for index, doc in enumerate(view.signed_documents):
        target = tmp_path / f"signed-{index}.pdf"
        ei.download_signed_document(sent.session_id, doc.signed_document_id, target)
        assert target.read_bytes().startswith(b"%PDF")


def test_iter_sessions_fetches_pages_lazily(ei: EasyInkSync, log: _Log) -> None:
    drafts = {_draft(ei, f"lazy {n}") for n in range(5)}
    log.reset()

    sessions = ei.iter_sessions(statuses=["Draft"], page_size=2)
    assert log.searches() == 0  # nothing fetched before the first item is asked for
    first = next(sessions)
    assert log.searches() == 1
    second = next(sessions)
    assert log.searches() == 1  # still the first page
    third = next(sessions)
    assert log.searches() == 2
    rest = list(sessions)
    assert log.searches() == 3  # 5 sessions at 2 per page
    assert {s.id for s in [first, second, third, *rest]} == drafts

    pages = ei.search_pages(statuses=["Draft"], page_size=2)
    assert len(next(pages).items or []) == 2
    pages.close()  # stopping early is fine
    assert list(pages) == []


def test_run_batch_runs_the_async_function_in_the_loop(ei: EasyInkSync) -> None:
    async def create(subject: str) -> UUID:
        draft = await create_draft.asyncio(
            client=ei.aio.client, body=CreateDraftRequest(subject=subject)
        )
        assert isinstance(draft, UUID)
        return draft

    results = ei.run_batch(["a", "b", "c"], create, concurrency=2)
    assert [r.item for r in results] == ["a", "b", "c"]
    assert all(r.ok for r in results)
    for r in results:
        config = ei.call(get_draft.asyncio, r.value)
        assert isinstance(config, SigningConfiguration)
        assert config.subject == r.item


def test_calls_from_eight_threads_at_once(ei: EasyInkSync) -> None:
    threads = 8
    barrier = threading.Barrier(threads)
    arrived = 0
    everyone: anyio.Event | None = None

    async def rendezvous() -> int:
        # Completes only when all eight calls are running in the loop at the same time.
        nonlocal arrived, everyone
        if everyone is None:
            everyone = anyio.Event()
        arrived += 1
        if arrived == threads:
            everyone.set()
        with anyio.fail_after(60):  # deadlock guard only: fails instead of hanging
            await everyone.wait()
        return threading.get_ident()

    def work(n: int) -> tuple[UUID, str, int, int]:
        barrier.wait()
        draft = _draft(ei, f"thread {n}")
        config = ei.call(get_draft.asyncio, draft)
        assert isinstance(config, SigningConfiguration)
        loop_thread = ei.call(rendezvous)
        return draft, config.subject, loop_thread, threading.get_ident()

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        outcomes = list(pool.map(work, range(threads)))

    assert sorted(subject for _, subject, _, _ in outcomes) == [f"thread {n}" for n in range(8)]
    assert len({draft for draft, _, _, _ in outcomes}) == threads
    loop_threads = {loop for _, _, loop, _ in outcomes}
    callers = {caller for _, _, _, caller in outcomes}
    assert len(loop_threads) == 1  # one event loop runs every call ...
    assert loop_threads.isdisjoint(callers)  # ... in its own thread
    assert len(callers) == threads


def test_one_easyink_and_pool_throughout(ei: EasyInkSync) -> None:
    aio = ei.aio
    http = aio.http_client
    assert isinstance(aio, EasyInk)
    assert isinstance(http, httpx.AsyncClient)

    async def used(*, client: AuthenticatedClient) -> httpx.AsyncClient:
        return client.get_async_httpx_client()

    _draft(ei, "pool")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        seen = list(pool.map(lambda _: ei.call(used), range(8)))
    assert all(client is http for client in seen)
    assert ei.aio is aio
    assert ei.aio.http_client is http

    view = ei.with_options(max_retries=0, timeout=5)
    assert view.aio.retry_policy.max_retries == 0
    assert ei.aio.retry_policy.max_retries == 2
    assert view.aio.retry_budget is aio.retry_budget
    assert view.aio._core is aio._core  # same transport core, so the same connection pool
    assert view.call(used) is view.aio.http_client
    with view:  # closing a view does nothing
        pass
    view.close()
    assert isinstance(view.call(get_draft.asyncio, _draft(view, "view")), SigningConfiguration)
    assert ei.aio is aio


def test_use_after_close_raises(easyink_sandbox: EasyInkSandbox) -> None:
    client = EasyInkSync(base_url=easyink_sandbox.url, token=easyink_sandbox.token)
    with pytest.raises(RuntimeError, match="not open"):
        client.call(get_draft.asyncio, uuid4())
    with client as ei:
        view = ei.with_options(max_retries=0)
        http = ei.aio.http_client
        _draft(ei, "before close")
    assert ei.closed
    assert http.is_closed  # EasyInk was closed on exit
    for use in (
        lambda: ei.call(get_draft.asyncio, uuid4()),
        lambda: ei.call(anyio.sleep, 0),
        lambda: ei.send_for_signature(documents=[b"%PDF"], signers=[], subject="x"),
        ei.iter_sessions,
        lambda: ei.aio,
        lambda: ei.with_options(timeout=1),
        lambda: view.call(get_draft.asyncio, uuid4()),
    ):
        with pytest.raises(RuntimeError, match="closed"):
            use()
    ei.close()  # closing again is harmless
    with pytest.raises(RuntimeError, match="only once"):
        ei.__enter__()


def test_unknown_options_fail_at_construction() -> None:
    with pytest.raises(TypeError):
        EasyInkSync(base_url="http://127.0.0.1:1", tokn="x")


def test_bad_options_fail_on_enter_and_leave_nothing_running() -> None:
    before = {t.ident for t in threading.enumerate()}
    client = EasyInkSync(base_url="http://127.0.0.1:1", token="a", token_provider=object())
    with pytest.raises(ValueError, match="token or token_provider"), client:
        pass
    assert {t.ident for t in threading.enumerate()} <= before
    with pytest.raises(RuntimeError, match="closed"):
        client.call(anyio.sleep, 0)


async def _sleep_until_cancelled(started: threading.Event, steps: list[str]) -> None:
    """A call that runs until cancelled; ``steps`` records "cancelled", then "unwound"."""
    started.set()
    try:
        await anyio.sleep_forever()
    except anyio.get_cancelled_exc_class():
        steps.append("cancelled")
        raise
    finally:
        steps.append("unwound")


def test_close_cancels_calls_running_in_other_threads(easyink_sandbox: EasyInkSandbox) -> None:
    started = threading.Event()
    steps: list[str] = []
    outcome: list[BaseException] = []

    def caller() -> None:
        try:
            ei.call(_sleep_until_cancelled, started, steps)
        except BaseException as exc:
            outcome.append(exc)

    with EasyInkSync(base_url=easyink_sandbox.url, token="t") as ei:
        thread = threading.Thread(target=caller)
        thread.start()
        started.wait()
    thread.join()
    assert steps == ["cancelled", "unwound"]
    assert len(outcome) == 1
    assert isinstance(outcome[0], RuntimeError)
    assert "closed while the call was running" in str(outcome[0])


def _blocked_waiting_for_a_call(thread_id: int) -> bool:
    """True when ``thread_id`` is blocked inside ``concurrent.futures.wait``'s event wait.

    Only there does an interrupt hold no lock that the loop thread needs: a KeyboardInterrupt
    raised while ``concurrent.futures.wait`` holds the future's condition (taking or dropping
    its waiters) would leave it held, and the loop thread would block forever completing it.
    """
    frame = sys._current_frames().get(thread_id)
    if frame is None or frame.f_code is not threading.Condition.wait.__code__:
        return False
    while frame is not None:
        if frame.f_code is concurrent.futures.wait.__code__:
            return True
        frame = frame.f_back
    return False


def _until_blocked_waiting_for_a_call(thread_id: int) -> None:
    """Return once ``thread_id`` has stayed blocked in the call's wait for two looks in a row."""
    seen = 0
    while seen < 2:
        seen = seen + 1 if _blocked_waiting_for_a_call(thread_id) else 0
        time.sleep(0.005)


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs signal.pthread_kill")
def test_ctrl_c_cancels_the_running_call(ei: EasyInkSync) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("SIGINT is delivered to the main thread only")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    started = threading.Event()
    steps: list[str] = []
    main = threading.get_ident()

    def press_ctrl_c() -> None:
        started.wait()
        _until_blocked_waiting_for_a_call(main)
        signal.pthread_kill(main, signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c)
    try:
        presser.start()
        with pytest.raises(KeyboardInterrupt):
            ei.call(_sleep_until_cancelled, started, steps)
        presser.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    # the call was cancelled and had unwound before KeyboardInterrupt reached the caller
    assert steps == ["cancelled", "unwound"]
    assert isinstance(_draft(ei, "after ctrl-c"), UUID)  # the client keeps working
