"""Waiters: backoff schedule, success, failure, timeout and cancellation (mock API)."""

from __future__ import annotations

import asyncio
import itertools
import random
from typing import Any

import anyio
import httpx
import pytest

from easyink_client.models.session_status import SessionStatus
from easyink_client.models.signing_configuration import SigningConfiguration
from easyink_client.models.signing_view import SigningView
from easyink_ext.errors import EasyInkError, NotFoundError
from easyink_ext.waiters import (
    TERMINAL_STATUSES,
    DocumentProcessingError,
    PollPolicy,
    SessionEndedError,
    WaitTimeoutError,
    wait_for_documents_processed,
    wait_for_session,
)

from ..conftest import DRAFT_ID, SESSION_ID, draft_json, mock_client, session_json

FAST = PollPolicy(initial=0.001, maximum=0.001, multiplier=1.0, jitter=0.0)


class Script:
    """Answers GETs with the given JSON bodies in turn (the last one repeats)."""

    def __init__(self, *bodies: Any) -> None:
        self.bodies = list(bodies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = self.bodies.pop(0) if len(self.bodies) > 1 else self.bodies[0]
        if isinstance(body, httpx.Response):
            return body
        return httpx.Response(200, json=body)


# -- PollPolicy -----------------------------------------------------------------------------


def test_nominal_delays_grow_exponentially_and_cap() -> None:
    policy = PollPolicy(initial=0.25, maximum=2.0, multiplier=2.0, jitter=0.2)
    assert list(itertools.islice(policy.nominal_delays(), 6)) == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


def test_default_policy_schedule() -> None:
    delays = list(itertools.islice(PollPolicy().nominal_delays(), 12))
    assert delays[0] == 0.25
    assert delays[1] == pytest.approx(0.4)
    assert delays[2] == pytest.approx(0.64)
    assert all(b >= a for a, b in itertools.pairwise(delays))
    assert delays[-1] == 5.0


def test_jitter_stays_within_fraction_and_varies() -> None:
    policy = PollPolicy(initial=1.0, maximum=1.0, multiplier=1.0, jitter=0.2)
    delays = list(itertools.islice(policy.delays(random.Random(7)), 200))
    assert all(0.8 <= d <= 1.2 for d in delays)
    assert len(set(delays)) > 100  # jittered, not constant
    again = list(itertools.islice(policy.delays(random.Random(7)), 200))
    assert delays == again  # reproducible with a seeded rng


def test_zero_jitter_gives_nominal_schedule() -> None:
    policy = PollPolicy(jitter=0.0)
    assert list(itertools.islice(policy.delays(), 5)) == list(
        itertools.islice(policy.nominal_delays(), 5)
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial": 0},
        {"initial": 2.0, "maximum": 1.0},
        {"multiplier": 0.5},
        {"jitter": 1.0},
        {"jitter": -0.1},
    ],
)
def test_invalid_policy_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        PollPolicy(**kwargs)


def test_wait_timeout_error_is_a_timeout_and_an_easyink_error() -> None:
    err = WaitTimeoutError("gave up", last=None)
    assert isinstance(err, TimeoutError)
    assert isinstance(err, EasyInkError)
    assert str(err) == "gave up"


def test_terminal_statuses() -> None:
    assert {str(s) for s in TERMINAL_STATUSES} == {"Finished", "Declined", "Voided", "Expired"}


# -- wait_for_documents_processed -------------------------------------------------------------


async def test_documents_processed_polls_until_every_document_is_ready() -> None:
    script = Script(
        draft_json("Processing", "Processing"),
        draft_json("ProcessingReady", "Processing"),
        draft_json("ProcessingReady", "ProcessingReady"),
    )
    async with mock_client(script) as ei:
        config = await wait_for_documents_processed(ei, DRAFT_ID, poll=FAST)
    assert isinstance(config, SigningConfiguration)
    assert len(script.requests) == 3
    assert all(r.url.path == f"/api/signingSessionDrafts/{DRAFT_ID}" for r in script.requests)
    assert config.documents and all(d.status == "ProcessingReady" for d in config.documents)


async def test_documents_processing_failed_raises_a_clear_error() -> None:
    script = Script(
        draft_json("Processing", "Processing"), draft_json("ProcessingReady", "ProcessingFailed")
    )
    async with mock_client(script) as ei:
        with pytest.raises(DocumentProcessingError) as info:
            await wait_for_documents_processed(ei, DRAFT_ID, poll=FAST)
    assert len(info.value.failed) == 1
    assert "doc1.pdf" in str(info.value)
    assert "processing failed" in str(info.value)
    assert len(script.requests) == 2


async def test_draft_without_documents_is_ready_at_once() -> None:
    script = Script(draft_json())
    async with mock_client(script) as ei:
        await wait_for_documents_processed(ei, DRAFT_ID, poll=FAST)
    assert len(script.requests) == 1


async def test_api_errors_propagate_typed() -> None:
    body = {"error": {"code": "NotFound", "message": "no such draft", "innerErrors": None}}
    script = Script(httpx.Response(404, json=body))
    async with mock_client(script) as ei:
        with pytest.raises(NotFoundError):
            await wait_for_documents_processed(ei, DRAFT_ID, poll=FAST)


async def test_timeout_raises_wait_timeout_with_last_model() -> None:
    release = anyio.Event()
    calls = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls > 1:
            await release.wait()  # the second poll hangs until the deadline cancels it
        return httpx.Response(200, json=draft_json("Processing"))

    async with mock_client(handler) as ei:
        with pytest.raises(WaitTimeoutError) as info:
            await wait_for_documents_processed(ei, DRAFT_ID, timeout=0.5, poll=FAST)
    assert isinstance(info.value.last, SigningConfiguration)
    assert "still processing" in str(info.value)
    assert "doc0.pdf: Processing" in str(info.value)
    assert calls == 2


async def test_zero_timeout_gives_up_without_polling_again() -> None:
    script = Script(draft_json("Processing"))
    async with mock_client(script) as ei:
        with pytest.raises(WaitTimeoutError):
            await wait_for_documents_processed(ei, DRAFT_ID, timeout=0, poll=FAST)
    assert len(script.requests) <= 1


async def test_negative_timeout_is_refused() -> None:
    async with mock_client(Script(draft_json())) as ei:
        with pytest.raises(ValueError):
            await wait_for_documents_processed(ei, DRAFT_ID, timeout=-1, poll=FAST)


# -- wait_for_session -----------------------------------------------------------------------


async def test_wait_for_session_returns_on_terminal_status() -> None:
    script = Script(session_json("Pending"), session_json("InProgress"), session_json("Finished"))
    async with mock_client(script) as ei:
        view = await wait_for_session(ei, SESSION_ID, poll=FAST)
    assert isinstance(view, SigningView)
    assert view.status == SessionStatus("Finished")
    assert len(script.requests) == 3
    assert script.requests[0].url.path == f"/api/signingSessions/{SESSION_ID}"


async def test_wait_for_session_until_a_non_terminal_status() -> None:
    script = Script(session_json("Pending"), session_json("InProgress"), session_json("Finished"))
    async with mock_client(script) as ei:
        view = await wait_for_session(ei, SESSION_ID, until={"InProgress"}, poll=FAST)
    assert view.status == "InProgress"
    assert len(script.requests) == 2


async def test_session_ending_otherwise_raises_at_once() -> None:
    script = Script(session_json("InProgress"), session_json("Declined"), session_json("Finished"))
    async with mock_client(script) as ei:
        with pytest.raises(SessionEndedError) as info:
            await wait_for_session(ei, SESSION_ID, until={SessionStatus("Finished")}, poll=FAST)
    assert info.value.status == "Declined"
    assert "Declined" in str(info.value) and "Finished" in str(info.value)
    assert len(script.requests) == 2


async def test_documents_ready_waits_for_signed_pdfs() -> None:
    signed = {"signedDocumentId": DRAFT_ID, "title": "a.pdf"}
    script = Script(
        session_json(
            "Finished",
            signedDocuments=[{**signed, "processingStatus": "Processing"}],
            allInOneDocument={"title": "all.pdf", "status": "Processing"},
        ),
        session_json(
            "Finished",
            signedDocuments=[{**signed, "processingStatus": "Ready"}],
            allInOneDocument={"title": "all.pdf", "status": "Processing"},
        ),
        session_json(
            "Finished",
            signedDocuments=[{**signed, "processingStatus": "Ready"}],
            allInOneDocument={"title": "all.pdf", "status": "Ready"},
        ),
    )
    async with mock_client(script) as ei:
        view = await wait_for_session(ei, SESSION_ID, documents_ready=True, poll=FAST)
    assert len(script.requests) == 3
    assert view.all_in_one_document and view.all_in_one_document.status == "Ready"


async def test_empty_until_is_refused() -> None:
    async with mock_client(Script(session_json("Pending"))) as ei:
        with pytest.raises(ValueError):
            await wait_for_session(ei, SESSION_ID, until=(), poll=FAST)


async def test_session_timeout_reports_last_status() -> None:
    script = Script(session_json("Pending"))
    release = anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if script.requests:
            await release.wait()  # the second poll hangs until the deadline cancels it
        return script(request)

    async with mock_client(handler) as ei:
        with pytest.raises(WaitTimeoutError) as info:
            await wait_for_session(ei, SESSION_ID, timeout=0.5, poll=FAST)
    assert isinstance(info.value.last, SigningView)
    assert info.value.last.status == "Pending"
    assert "is Pending" in str(info.value)
    assert len(script.requests) == 1  # the hanging second poll never completed


# -- cancellation ---------------------------------------------------------------------------


async def test_anyio_cancellation_stops_polling() -> None:
    first = anyio.Event()
    script = Script(session_json("Pending"))

    def handler(request: httpx.Request) -> httpx.Response:
        first.set()
        return script(request)

    slow = PollPolicy(initial=30.0, maximum=30.0, jitter=0.0)
    async with mock_client(handler) as ei, anyio.create_task_group() as tg:
        tg.start_soon(lambda: wait_for_session(ei, SESSION_ID, poll=slow))
        await first.wait()
        tg.cancel_scope.cancel()  # the waiter is in its 30 s sleep: cancelled there
    assert len(script.requests) == 1


async def test_asyncio_task_cancel_during_a_request() -> None:
    entered = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        entered.set()
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async with mock_client(handler) as ei:
        task = asyncio.create_task(wait_for_documents_processed(ei, DRAFT_ID, poll=FAST))
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
