"""Waiters: poll a draft or a session until it reaches the state you need.

:func:`wait_for_documents_processed` polls ``getDraft`` until every uploaded document is
``ProcessingReady``; :func:`wait_for_session` polls ``getSession`` until the session reaches one
of the wanted statuses (by default a terminal one). Both:

* sleep between polls following a :class:`PollPolicy` (exponential backoff with jitter);
* give up after ``timeout`` seconds with :class:`WaitTimeoutError`, which carries the last
  model observed;
* are cancellable at every await (anyio cancel scopes, ``asyncio`` task cancellation);
* go through the client's transport, so every poll gets its retries, auth and typed errors.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Collection, Iterator
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

import anyio
import attrs

from easyink_client.models.all_in_one_document import AllInOneDocument
from easyink_client.models.all_in_one_document_status import AllInOneDocumentStatus
from easyink_client.models.document_processing_status import DocumentProcessingStatus
from easyink_client.models.session_status import SessionStatus
from easyink_client.models.signed_document_status import SignedDocumentStatus
from easyink_client.models.signing_configuration import SigningConfiguration
from easyink_client.models.signing_view import SigningView

from . import _telemetry
from .errors import EasyInkError

if TYPE_CHECKING:
    from ._client import EasyInk

__all__ = [
    "TERMINAL_STATUSES",
    "DocumentProcessingError",
    "PollPolicy",
    "SessionEndedError",
    "WaitTimeoutError",
    "signed_documents_ready",
    "wait_for_documents_processed",
    "wait_for_session",
]

TERMINAL_STATUSES: frozenset[SessionStatus] = frozenset(
    SessionStatus(name) for name in ("Finished", "Declined", "Voided", "Expired")
)
"""Statuses a session never leaves."""

M = TypeVar("M")


def _check_policy(policy: PollPolicy) -> None:
    if not policy.initial > 0:
        raise ValueError("PollPolicy.initial must be > 0")
    if not policy.maximum >= policy.initial:
        raise ValueError("PollPolicy.maximum must be >= initial")
    if not policy.multiplier >= 1:
        raise ValueError("PollPolicy.multiplier must be >= 1")
    if not 0 <= policy.jitter < 1:
        raise ValueError("PollPolicy.jitter must be in [0, 1)")


@attrs.frozen
class PollPolicy:
    """Delays between polls: exponential backoff with proportional jitter.

    The nominal delay before poll ``n + 1`` is ``min(maximum, initial * multiplier ** n)``
    seconds; each delay actually used is the nominal one multiplied by a random factor in
    ``[1 - jitter, 1 + jitter]``, so many waiters started together spread out.
    """

    initial: float = 0.25
    maximum: float = 5.0
    multiplier: float = 1.6
    jitter: float = 0.2

    def __attrs_post_init__(self) -> None:
        _check_policy(self)

    def nominal_delays(self) -> Iterator[float]:
        """The delays without jitter (endless)."""
        delay = self.initial
        while True:
            yield delay
            delay = min(self.maximum, delay * self.multiplier)

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        """The jittered delays (endless); ``rng`` makes them reproducible."""
        source = rng if rng is not None else random.Random()
        for nominal in self.nominal_delays():
            if self.jitter:
                yield nominal * source.uniform(1.0 - self.jitter, 1.0 + self.jitter)
            else:
                yield nominal


class WaitTimeoutError(EasyInkError, TimeoutError):
    """The waited-for state was not reached in time. ``last`` is the last model observed."""

    def __init__(self, message: str, *, last: object | None) -> None:
        self.last = last
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DocumentProcessingError(EasyInkError):
    """The server failed to process one or more documents of a draft.

    ``failed`` lists ``(document id, title)`` pairs; ``configuration`` is the draft as read.
    """

    def __init__(self, configuration: SigningConfiguration, failed: list[tuple[UUID, str]]) -> None:
        self.configuration = configuration
        self.failed = failed
        names = ", ".join(
            f"{title!r} ({doc_id})" if title else str(doc_id) for doc_id, title in failed
        )
        super().__init__(
            f"processing failed for {len(failed)} document(s) of draft "
            f"{configuration.signing_session_id}: {names}; remove and upload them again"
        )


class SessionEndedError(EasyInkError):
    """The session reached a terminal status that is not among the awaited ones.

    ``status`` is that status and ``last`` the :class:`SigningView` as read. Raised at once,
    since a terminal status never changes again.
    """

    def __init__(self, view: SigningView, wanted: Collection[SessionStatus]) -> None:
        self.last = view
        self.status = view.status
        wanted_text = ", ".join(sorted(str(s) for s in wanted))
        super().__init__(
            f"session {view.signing_session_id} ended as {view.status} while waiting for "
            f"{wanted_text}"
        )


async def _poll(
    fetch: Callable[[], Awaitable[M]],
    done: Callable[[M], bool],
    *,
    timeout: float,  # noqa: ASYNC109 - the deadline is applied with anyio.move_on_after
    poll: PollPolicy,
    describe: Callable[[M | None], str],
) -> M:
    """Call ``fetch`` until ``done`` accepts its result, sleeping per ``poll`` in between.

    ``done`` may raise to stop waiting. The deadline covers the fetches and the sleeps; an
    unfinished fetch is cancelled when it passes.
    """
    if timeout < 0:
        raise ValueError("timeout must be >= 0")
    last: M | None = None
    with anyio.move_on_after(timeout):
        for delay in poll.delays():
            last = await fetch()
            if done(last):
                return last
            await anyio.sleep(delay)
    raise WaitTimeoutError(f"gave up after {timeout:g} s: {describe(last)}", last=last)


def _as_uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _documents_of(configuration: SigningConfiguration) -> list[tuple[UUID, str, str]]:
    docs = configuration.documents if isinstance(configuration.documents, list) else []
    return [(d.id, d.title if isinstance(d.title, str) else "", str(d.status)) for d in docs]


def _draft_ready(configuration: SigningConfiguration) -> bool:
    documents = _documents_of(configuration)
    failed = [
        (doc_id, title)
        for doc_id, title, status in documents
        if status == DocumentProcessingStatus.PROCESSINGFAILED
    ]
    if failed:
        raise DocumentProcessingError(configuration, failed)
    return all(status == DocumentProcessingStatus.PROCESSINGREADY for _, _, status in documents)


def _describe_draft(configuration: SigningConfiguration | None) -> str:
    if configuration is None:
        return "the draft was never read"
    pending = [
        f"{title or doc_id}: {status}"
        for doc_id, title, status in _documents_of(configuration)
        if status != DocumentProcessingStatus.PROCESSINGREADY
    ]
    draft = configuration.signing_session_id
    return f"documents of draft {draft} still processing ({'; '.join(pending)})"


def signed_documents_ready(view: SigningView) -> bool:
    """True when no signed document and not the all-in-one PDF is still ``Processing``.

    ``Failed`` or ``NotAvailable`` entries count as settled: they will not change by waiting.
    """
    signed = view.signed_documents if isinstance(view.signed_documents, list) else []
    if any(d.processing_status == SignedDocumentStatus.PROCESSING for d in signed):
        return False
    all_in_one = view.all_in_one_document
    return not (
        isinstance(all_in_one, AllInOneDocument)
        and all_in_one.status == AllInOneDocumentStatus.PROCESSING
    )


@_telemetry.instrumented("wait")
async def wait_for_documents_processed(
    ei: EasyInk,
    draft_id: UUID | str,
    *,
    timeout: float = 120.0,  # noqa: ASYNC109 - applied with anyio.move_on_after
    poll: PollPolicy = PollPolicy(),
) -> SigningConfiguration:
    """Poll ``getDraft`` until every document of the draft is ``ProcessingReady``.

    Returns the draft as last read. Raises :class:`DocumentProcessingError` as soon as a
    document is ``ProcessingFailed`` and :class:`WaitTimeoutError` after ``timeout`` seconds.
    A draft without documents is ready at once.
    """
    draft = _as_uuid(draft_id)
    return await _poll(
        lambda: ei.drafts.get(draft),
        _draft_ready,
        timeout=timeout,
        poll=poll,
        describe=_describe_draft,
    )


@_telemetry.instrumented("wait")
async def wait_for_session(
    ei: EasyInk,
    session_id: UUID | str,
    *,
    until: Collection[SessionStatus | str] = TERMINAL_STATUSES,
    timeout: float = 600.0,  # noqa: ASYNC109 - applied with anyio.move_on_after
    poll: PollPolicy = PollPolicy(),
    documents_ready: bool = False,
) -> SigningView:
    """Poll ``getSession`` until its status is in ``until`` (default: any terminal status).

    With ``documents_ready=True`` it also waits until the signed documents and the
    all-in-one PDF are ``Ready`` (they are produced after the session finishes), so they
    can be downloaded at once. Raises :class:`SessionEndedError` when the session reaches a
    terminal status outside ``until`` and :class:`WaitTimeoutError` after ``timeout`` seconds.
    """
    wanted = frozenset(SessionStatus(s) for s in until)
    if not wanted:
        raise ValueError("until must name at least one status")
    session = _as_uuid(session_id)

    def done(view: SigningView) -> bool:
        if view.status not in wanted:
            if view.status in TERMINAL_STATUSES:
                raise SessionEndedError(view, wanted)
            return False
        return not documents_ready or signed_documents_ready(view)

    def describe(view: SigningView | None) -> str:
        target = ", ".join(sorted(str(s) for s in wanted))
        if view is None:
            return f"session {session} was never read (waiting for {target})"
        text = f"session {session} is {view.status} (waiting for {target}"
        return text + (" with documents ready)" if documents_ready else ")")

    return await _poll(
        lambda: ei.sessions.get(session), done, timeout=timeout, poll=poll, describe=describe
    )
