"""The sandbox of one test (:class:`EasyInkSandbox`) and the server a test session shares.

One uvicorn server per test session, on 127.0.0.1 with a port the OS chooses, in its own thread
and event loop: it answers whatever event loop (or none) a test runs in. Each test gets its own
account (a fresh user and token), so it starts with no sessions and never sees another test's.
Settings that are not per account (faults, the clock, processing delay, token lifetime) are the
server's: they are changed for one test and put back after it, which is safe because the tests
of a session run one at a time (pytest-xdist workers each have their own session and server).

The sandbox's state belongs to the server's thread: every control below runs there, between
two steps of the requests it is serving.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import attrs

from .._credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

if TYPE_CHECKING:
    from .._config import FaultConfig
    from .._server import SandboxThread
    from .._state import Participant, Session
    from ..app import Sandbox
    from ._log import AccountLog

__all__ = ["SETTINGS", "ApiRequest", "EasyInkSandbox"]

_T = TypeVar("_T")

#: The server settings a test may set for itself (``@pytest.mark.easyink_sandbox(...)``):
#: seconds an uploaded document stays ``Processing``, access-token and authorization-code
#: lifetimes in seconds.
SETTINGS = ("processing_delay", "token_ttl", "code_ttl")

_CAN_SIGN = ("Pending", "Opened", "Waiting")
_CAN_ACT = ("Pending", "Opened")


@attrs.frozen
class ApiRequest:
    """One ``/api`` request the sandbox received with an account's token.

    ``operation_id`` is the OpenAPI operation its method and path call (``createDraft``...),
    ``None`` when none does; ``status`` is what the client was sent, ``None`` when the
    connection was dropped before any answer (a ``drop_rate`` fault).
    """

    method: str
    path: str
    operation_id: str | None
    status: int | None


class EasyInkSandbox:
    """The sandbox of one test: its own account on the session's sandbox server.

    * ``url``, ``token`` (and ``user``, ``client_id``, ``client_secret`` for code that logs in
      with OAuth: ``login_hint=user`` picks this account) for code that builds its own client;
    * ``sign`` / ``decline`` / ``open``: what participants do in the signing portal;
    * ``faults(**settings)``: fault injection for the ``with`` block;
    * ``requests``: the ``/api`` requests this account sent so far;
    * ``sample_pdf()``, ``finish_processing()``, ``advance_time()``, ``new_token()``;
    * ``call(func)``: anything else, with the server's ``Sandbox``.

    A participant action on a session of another account, or one the session's state refuses
    (not this participant's turn, already signed...), raises ``ValueError`` with the reason.
    """

    def __init__(self, server: SandboxThread, log: AccountLog, user: str, token: str) -> None:
        self._server = server
        self._log = log
        self._user = user
        self._token = token

    def __repr__(self) -> str:
        return f"EasyInkSandbox(url={self.url!r}, user={self._user!r})"

    # -- what code under test needs to connect -------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the sandbox server (``http://127.0.0.1:<port>``)."""
        return self._server.url

    @property
    def token(self) -> str:
        """An access token of this test's account."""
        return self._token

    @property
    def user(self) -> str:
        """The account's user name (``login_hint`` of the OAuth authorization request)."""
        return self._user

    @property
    def client_id(self) -> str:
        """The OAuth client id the sandbox accepts."""
        return SANDBOX_CLIENT_ID

    @property
    def client_secret(self) -> str:
        """The OAuth client secret the sandbox accepts."""
        return SANDBOX_CLIENT_SECRET

    def new_token(self) -> str:
        """A new access token of this account (valid for the current token lifetime)."""
        return self._run(lambda sandbox: sandbox.issue_token(self._user))

    # -- participants --------------------------------------------------------------------------

    def sign(self, session_id: UUID | str, participant_id: UUID | str | None = None) -> None:
        """The participant signs; without one, every signer still to sign does, in order."""

        def act(sandbox: Sandbox) -> None:
            session = self._session(sandbox, session_id)
            if participant_id is not None:
                sandbox.store.sign(self._user, session.id, str(participant_id))
                return
            waiting = _signers(sandbox, session, _CAN_SIGN)
            if not waiting:
                raise ValueError(f"no participant of {session.id} is left to sign")
            for participant in waiting:
                sandbox.store.sign(self._user, session.id, participant.id)

        self._run(act)

    def decline(
        self,
        session_id: UUID | str,
        participant_id: UUID | str | None = None,
        *,
        reason: str | None = None,
    ) -> None:
        """The participant (default: the first whose turn it is) declines to sign."""

        def act(sandbox: Sandbox) -> None:
            session = self._session(sandbox, session_id)
            pid = self._turn(sandbox, session, participant_id)
            sandbox.store.decline(self._user, session.id, pid, reason)

        self._run(act)

    def open(self, session_id: UUID | str, participant_id: UUID | str | None = None) -> None:
        """The participant (default: everyone whose turn it is) opens their signing link."""

        def act(sandbox: Sandbox) -> None:
            session = self._session(sandbox, session_id)
            if participant_id is not None:
                sandbox.store.open_link(self._user, session.id, str(participant_id))
                return
            for participant in _signers(sandbox, session, ("Pending",)):
                sandbox.store.open_link(self._user, session.id, participant.id)

        self._run(act)

    def _session(self, sandbox: Sandbox, session_id: UUID | str) -> Session:
        return sandbox.store.session(self._user, str(session_id))

    def _turn(self, sandbox: Sandbox, session: Session, participant_id: UUID | str | None) -> str:
        if participant_id is not None:
            return str(participant_id)
        for participant in _signers(sandbox, session, _CAN_ACT):
            return participant.id
        raise ValueError(f"no participant of {session.id} can act now")

    # -- faults, log, time ---------------------------------------------------------------------

    @contextlib.contextmanager
    def faults(self, **settings: Any) -> Iterator[FaultConfig]:
        """Fault settings (``fail_rate``, ``fail_statuses``, ``drop_rate``, ``latency_ms``,
        ``rate_limit_rate``, ``retry_after``, ``seed``... see ``FaultConfig``) for the ``with``
        block; the previous ones are back on exit. Yields the settings in force.

        Faults apply to every request of the server (the tests of a session run one at a time).
        """

        def apply(sandbox: Sandbox) -> tuple[FaultConfig, FaultConfig]:
            previous = sandbox.faults
            sandbox.faults = attrs.evolve(previous, **settings)
            return previous, sandbox.faults

        previous, current = self._run(apply)
        try:
            yield current
        finally:
            self._run(lambda sandbox: setattr(sandbox, "faults", previous))

    @property
    def requests(self) -> list[ApiRequest]:
        """The ``/api`` requests this account sent so far, oldest first."""
        return self._server.call(lambda: self._log.of(self._user))

    @staticmethod
    def sample_pdf(pages: int = 1) -> bytes:
        """A valid Letter-size PDF of ``pages`` pages with room for signature fields."""
        if pages < 1:
            raise ValueError("pages must be at least 1")
        from .._pdf import simple_pdf

        return simple_pdf(["Sample agreement", "", "Signed by the parties below."], pages=pages)

    def finish_processing(self) -> None:
        """Every document this account uploaded is processed now (``ProcessingReady``)."""

        def finish(sandbox: Sandbox) -> None:
            for session in sandbox.store.sessions.values():
                if session.owner == self._user:
                    for document in [*session.documents.values(), *session.attachments.values()]:
                        document.uploaded_at = 0.0

        self._run(finish)

    def advance_time(self, seconds: float) -> None:
        """Move the sandbox clock forward: tokens and codes expire, documents finish processing.

        The clock is the server's: it stays advanced for the tests that follow (it never goes
        back; their tokens and documents are dated by it).
        """
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self._run(lambda sandbox: sandbox.advance_time(seconds))

    def call(self, func: Callable[[Sandbox], _T]) -> _T:
        """``func(sandbox)`` in the server's thread; its result (what the methods above do not
        cover: ``add_large_document``, ``set_policy``, the server-wide ``request_log``...).

        ``sandbox`` is the server's :class:`~easyink_sandbox.Sandbox`: the state of every
        account, so pass it this one's session ids.
        """
        return self._server.call(lambda: func(self._server.sandbox))

    def _run(self, func: Callable[[Sandbox], _T]) -> _T:
        from .._errors import ApiError

        try:
            return self.call(func)
        except ApiError as exc:
            raise ValueError(exc.message) from None


def _signers(sandbox: Sandbox, session: Session, statuses: tuple[str, ...]) -> list[Participant]:
    """The session's signers in signing order whose status is one of ``statuses``."""
    return [p for p in sandbox.store._ordered_signers(session) if p.status in statuses]


class SessionSandbox:
    """The sandbox server of a test session; :meth:`account` opens one test's sandbox."""

    def __init__(self) -> None:
        from .._config import SandboxConfig
        from .._server import SandboxThread
        from ._log import AccountLog

        logs: list[AccountLog] = []

        def wrap(app: Any) -> AccountLog:
            logs.append(AccountLog(app))
            return logs[0]

        # Response validation on: an answer that breaks the OpenAPI document fails the test.
        self._thread = SandboxThread(SandboxConfig(validate_responses=True), middleware=wrap)
        self._log = logs[0]

    def __enter__(self) -> SessionSandbox:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.stop()

    @contextlib.contextmanager
    def account(self, settings: Mapping[str, Any]) -> Iterator[EasyInkSandbox]:
        """A new account with ``settings`` (names in :data:`SETTINGS`) in force until exit,
        when the settings and the fault settings are put back as they were.

        Raises ``AssertionError`` on exit when the sandbox answered this test against its
        OpenAPI document.
        """
        unknown = sorted(set(settings) - set(SETTINGS))
        if unknown:
            raise TypeError(f"unknown sandbox settings {unknown}; known: {', '.join(SETTINGS)}")
        user = f"pytest-{secrets.token_hex(6)}"
        sandbox = self._thread.sandbox

        def open_account() -> tuple[dict[str, Any], str, int]:
            previous = {name: getattr(sandbox.config, name) for name in settings}
            previous["faults"] = attrs.evolve(sandbox.faults)
            for name, value in settings.items():
                setattr(sandbox.config, name, value)
            return previous, sandbox.issue_token(user), len(sandbox.response_violations)

        def close_account() -> list[str]:
            sandbox.faults = previous.pop("faults")
            for name, value in previous.items():
                setattr(sandbox.config, name, value)
            self._log.forget(user)
            return sandbox.response_violations[violations:]

        previous, token, violations = self._thread.call(open_account)
        try:
            yield EasyInkSandbox(self._thread, self._log, user, token)
        finally:
            broken = self._thread.call(close_account)
        assert not broken, f"the sandbox answered against its OpenAPI document: {broken}"
