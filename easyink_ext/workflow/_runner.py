"""One workflow run: its state, the read and POST rules, and the step timer."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

import anyio

from easyink_client.models.signing_configuration import SigningConfiguration
from easyink_client.models.signing_view import SigningView

from .. import _telemetry
from .._answers import parsed_answer
from .._retry import retry_pause
from ..errors import (
    APIConnectionError,
    EasyInkError,
    InconsistentResponseError,
    NotFoundError,
    OutcomeUnknownError,
)

if TYPE_CHECKING:
    from .._client import EasyInk

_T = TypeVar("_T")


# -- helpers -----------------------------------------------------------------------------------


def _require_distinct(ids: Sequence[UUID], what: str, operation: str) -> None:
    """Refuse a server that handed out the same id for two different things."""
    if len(set(ids)) != len(ids):
        raise InconsistentResponseError(
            f"the server returned the same {what} id twice: {[str(i) for i in ids]}",
            operation=operation,
        )


def _require_processed(config: SigningConfiguration, document_ids: Sequence[UUID]) -> None:
    """Refuse a processed-documents answer that lacks one of the uploaded documents."""
    present = {d.id for d in config.documents or []}
    missing = [str(d) for d in document_ids if d not in present]
    if missing:
        raise InconsistentResponseError(
            f"the processed draft lacks the uploaded document(s) {missing}", operation="getDraft"
        )


_Reconcile = Callable[[], Awaitable[_T | None]]
OnStep = Callable[[str, "UUID | None"], Awaitable[None]]
"""Called with ``(step, draft_id)`` as each step begins (see :func:`send_for_signature`)."""


class _Run:
    """State of one workflow run (ids learnt so far, timings)."""

    def __init__(self, ei: EasyInk, recheck_delay: float, on_step: OnStep | None = None) -> None:
        self.ei = ei
        self.on_step = on_step
        self.recheck_delay = recheck_delay
        self.draft_id: UUID | None = None
        self.converted = False
        self.start_sent = False  # from here on the session is never deleted or voided by us
        self.timings: dict[str, float] = {}

    @property
    def draft(self) -> UUID:
        assert self.draft_id is not None
        return self.draft_id

    async def read(self, call: Callable[[], Awaitable[_T]]) -> _T:
        """An idempotent call (GET, PUT, a wait), answer checked; never retried here.

        The client's transport already retried each of its requests by the client's policy
        (:mod:`easyink_ext._retry`); a second loop here would multiply the attempts.
        """
        with parsed_answer("send_for_signature"):
            return await call()

    async def retry_pause(self, retries_done: int, *, connection_failure: bool) -> bool:
        """Take a retry from the client's policy and budget and wait its delay (False: none)."""
        return await retry_pause(
            self.ei.retry_budget,
            self.ei.retry_policy,
            retries_done,
            connection_failure=connection_failure,
        )

    async def get_draft(self) -> SigningConfiguration:
        return await self.read(lambda: self.ei.drafts.get(self.draft))

    async def get_session(self) -> SigningView:
        return await self.read(lambda: self.ei.sessions.get(self.draft))

    async def post(self, send: Callable[[], Awaitable[_T]], reconcile: _Reconcile[_T]) -> _T:
        """Send a POST; after an ambiguous failure reconcile, and repeat only if it had no effect.

        ``reconcile`` reads the state back and returns the result of the earlier attempt when
        it took effect, else ``None`` (optionally after one re-check). Other failures were
        already retried by the client's transport and are raised as they are.
        """
        resent = 0
        while True:
            try:
                with parsed_answer("send_for_signature"):
                    return await send()
            except OutcomeUnknownError as exc:
                found = await self._read_back(reconcile, exc)
                if found is not None:
                    return found
                # Proven without effect: sending again cannot duplicate anything. The re-send
                # is a retry of this call: the client's policy and budget decide.
                connection_failure = isinstance(exc, APIConnectionError)
                if not await self.retry_pause(resent, connection_failure=connection_failure):
                    raise
                resent += 1

    async def _read_back(
        self, reconcile: _Reconcile[_T], unknown: OutcomeUnknownError
    ) -> _T | None:
        """``reconcile`` (and one re-check after ``recheck_delay``).

        When the read itself fails, the POST's outcome stays unknown: ``unknown`` is raised
        again (with the read failure as its context), not the read failure.
        """
        try:
            found = await reconcile()
            if found is None and self.recheck_delay > 0:
                await anyio.sleep(self.recheck_delay)
                found = await reconcile()
        except EasyInkError:
            raise unknown  # noqa: B904 - the read failure stays its __context__
        return found


async def _or_none(call: Callable[[], Awaitable[_T]]) -> _T | None:
    """The answer of a read, or ``None`` when the object does not exist (404)."""
    try:
        return await call()
    except NotFoundError:
        return None


@asynccontextmanager
async def _timed(run: _Run, step: str) -> AsyncIterator[None]:
    if run.on_step is not None:
        await run.on_step(step, run.draft_id)
    started = time.perf_counter()
    try:
        with _telemetry.step(step, lambda: run.draft_id):
            yield
    finally:
        run.timings[step] = run.timings.get(step, 0.0) + time.perf_counter() - started
