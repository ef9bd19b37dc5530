"""The Starlette application and :class:`Sandbox`, the handle on its state, faults and log."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.convertors import StringConvertor
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Match, Route

from . import _drafts, _portal, _sessions
from ._auth import AuthService
from ._call import Call, Handler
from ._config import FaultConfig, SandboxConfig
from ._errors import ApiError, error_response, method_not_allowed, unexpected_error
from ._faults import (
    ConnectionDropped,
    FaultLayer,
    Message,
    Receive,
    RequestRecord,
    Scope,
    Send,
)
from ._generic import generic_handlers
from ._quota import Quota
from ._spec import CompiledSpec, Operation, load_spec
from ._store import SessionStore

logger = logging.getLogger("easyink_sandbox")

HANDLERS: dict[str, Handler] = {**_drafts.HANDLERS, **_sessions.HANDLERS}


class Sandbox:
    """State, configuration, faults and request log of one sandbox app."""

    def __init__(self, config: SandboxConfig, spec: CompiledSpec) -> None:
        self.config = config
        self.spec = spec
        self._offset = 0.0
        self.store = SessionStore(config, self.clock)
        self.auth = AuthService(config, self.clock)
        self.request_log: list[RequestRecord] = []
        self.response_violations: list[str] = []
        # Operations of the document served by the generic handler (no hand-written rules).
        self.generic_operations: tuple[str, ...] = ()
        self.rng = random.Random(config.faults.seed)
        self.quota = Quota(lambda: self.config.faults, self.clock)

    # -- clock ------------------------------------------------------------------------------

    def clock(self) -> float:
        """Seconds since the epoch on the sandbox clock (wall clock plus :meth:`advance_time`)."""
        return time.time() + self._offset

    def advance_time(self, seconds: float) -> None:
        """Move the sandbox clock forward (expire tokens and codes, finish processing)."""
        self._offset += seconds

    # -- faults and log ---------------------------------------------------------------------

    @property
    def faults(self) -> FaultConfig:
        """The live fault settings (mutate them, or assign a new :class:`FaultConfig`)."""
        return self.config.faults

    @faults.setter
    def faults(self, value: FaultConfig) -> None:
        self.config.faults = value
        self.rng = random.Random(value.seed)

    def reseed(self, seed: int | None = None) -> None:
        """Restart the fault random sequence (from ``faults.seed`` when ``seed`` is None)."""
        self.rng = random.Random(self.config.faults.seed if seed is None else seed)

    def reset_log(self) -> None:
        """Forget the requests received so far."""
        self.request_log.clear()

    def account(self, scope: Scope) -> str | None:
        """The user of the request's valid access token (its quota account), else ``None``."""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                try:
                    return self.auth.authenticate(value.decode("latin-1"))
                except ApiError:
                    return None
        return None

    # -- tokens and controls ----------------------------------------------------------------

    def issue_token(self, user: str | None = None) -> str:
        """A valid access token for ``user`` (default user when None), without the OAuth dance."""
        return self.auth.issue_token(user or self.config.default_user)

    def _owner(self, session_id: str) -> str:
        session = self.store.sessions.get(session_id)
        if session is None:
            raise KeyError(f"no signing session {session_id}")
        return session.owner

    def add_large_document(
        self, session_id: str, size_bytes: int, title: str = "Large document"
    ) -> str:
        """Add a generated PDF of exactly ``size_bytes`` to a session; its document id.

        The bytes are generated on demand while streaming (constant memory); the document is
        ready at once and downloadable through the draft and session document operations.
        """
        self._owner(session_id)
        return self.store.add_large_document(session_id, size_bytes, title).id

    def add_large_signed_document(
        self, session_id: str, participant_id: str, size_bytes: int
    ) -> str:
        """Add a ready generated signed PDF of ``size_bytes`` for a participant; its id."""
        self._owner(session_id)
        return self.store.add_large_signed_document(session_id, participant_id, size_bytes).id

    def set_policy(
        self,
        session_id: str,
        *,
        void_disabled: bool | None = None,
        copy_disabled: bool | None = None,
    ) -> None:
        """Set the organization policy flags ``isVoidDisabled`` / ``isSessionCopyDisabled``."""
        session = self.store.sessions[session_id]
        if void_disabled is not None:
            session.is_void_disabled = void_disabled
        if copy_disabled is not None:
            session.is_session_copy_disabled = copy_disabled

    def open_link(self, session_id: str, participant_id: str) -> None:
        """The participant opens their signing link."""
        self.store.open_link(self._owner(session_id), session_id, participant_id)

    def sign(self, session_id: str, participant_id: str) -> None:
        """The participant signs (as in the signing portal)."""
        self.store.sign(self._owner(session_id), session_id, participant_id)

    def decline(self, session_id: str, participant_id: str) -> None:
        """The participant declines to sign."""
        self.store.decline(self._owner(session_id), session_id, participant_id)

    def expire(self, session_id: str) -> None:
        """Expire a session."""
        self.store.expire(self._owner(session_id), session_id)


class _RouteIndex:
    """The sandbox's own routes by number of ``/`` and last segment of their path, in order.

    A route whose parameters are all plain ``{name}`` (no ``/`` in a value) only matches paths
    with as many ``/`` as its own, and one whose last segment is literal only paths ending with
    it, so the first full match among the remaining candidates is the route Starlette's router
    would pick. Only routes whose endpoint answers every exception it can catch (all but
    :class:`ConnectionDropped` and a client's disconnect) are indexed: no exception handler of the
    app could apply to them.
    """

    def __init__(self, routes: list[Route]) -> None:
        plain = [
            route
            for route in routes
            if all(isinstance(c, StringConvertor) for c in route.param_convertors.values())
        ]
        # depth -> last segment -> candidates; the "" entry: routes ending with a parameter.
        self._routes: dict[int, dict[str, list[Route]]] = {}
        for route in plain:
            last = route.path.rsplit("/", 1)[1]
            self._routes.setdefault(route.path.count("/"), {}).setdefault(
                "" if "{" in last else last, []
            )
        for route in plain:
            last = route.path.rsplit("/", 1)[1]
            for segment, candidates in self._routes[route.path.count("/")].items():
                if "{" in last or segment == last:
                    candidates.append(route)

    def match(self, scope: Scope) -> tuple[Route, Scope] | None:
        """The route Starlette would choose and its child scope, when it fully matches."""
        if scope.get("root_path"):
            return None
        path: str = scope["path"]
        by_last = self._routes.get(path.count("/"))
        if by_last is None:
            return None
        candidates = by_last.get(path.rsplit("/", 1)[1]) or by_last.get("") or []
        for route in candidates:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return route, child_scope
        return None


class SandboxApp(Starlette):
    """Starlette app whose outermost layer is the sandbox's fault/log layer.

    A request for one of the sandbox's routes goes straight to the route's endpoint, which answers
    every error itself; any other request (404, 405, ...) goes through Starlette's middleware and
    router. Both answer the same (see :meth:`_serve`).
    """

    sandbox: Sandbox
    _fault_layer: FaultLayer
    _index: _RouteIndex

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        await self._fault_layer(scope, receive, send, self._serve)

    def route_path(self, scope: Scope) -> str | None:
        """The path template (``/api/signingSessions/{signingSessionId}``...) a request's
        ASGI scope matches, None when no route of the sandbox does."""
        found = self._index.match(scope)
        return None if found is None else found[0].path

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._index.match(scope)
        if found is None:
            await super().__call__(scope, receive, send)
            return
        route, child_scope = found
        scope["app"] = self
        scope.setdefault("router", self.router)
        scope["route"] = route
        scope.update(child_scope)
        started = False

        async def sender(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            response = await route.endpoint(Request(scope, receive, send))
            await response(scope, receive, sender)
        except ClientDisconnect:
            # The client went away before its request had arrived: nobody to answer, and no
            # error of the sandbox (a client interrupted, or cancelling a call, does this).
            logger.debug("client disconnected during %s %s", scope["method"], scope["path"])
        except Exception:
            # What Starlette's ServerErrorMiddleware does with an error nothing handled.
            if not started:
                await PlainTextResponse("Internal Server Error", status_code=500)(
                    scope, receive, send
                )
            raise


def _guard(
    sandbox: Sandbox, func: Callable[[Request], Awaitable[Response]]
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await func(request)
        except ApiError as exc:
            return exc.to_response()
        except (ConnectionDropped, ClientDisconnect):
            raise
        except Exception:
            logger.exception(
                "unhandled error while serving %s %s", request.method, request.url.path
            )
            return unexpected_error()

    return endpoint


def _api_endpoint(
    sandbox: Sandbox, operations: dict[str, Operation], handlers: dict[str, Handler]
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        method = request.method.lower()
        operation = operations.get(method) or (operations.get("get") if method == "head" else None)
        if operation is None:
            allowed = ", ".join(sorted(m.upper() for m in operations))
            return method_not_allowed(request.method, {"Allow": allowed})
        try:
            user = sandbox.auth.authenticate(request.headers.get("authorization"))
            parsed = await operation.parse(request)
            call = Call(
                store=sandbox.store, user=user, request=request, operation=operation, parsed=parsed
            )
            response = handlers[operation.operation_id](call)
        except ApiError as exc:
            response = exc.to_response()
        except (ConnectionDropped, ClientDisconnect):
            raise
        except Exception:
            logger.exception("unhandled error in %s", operation.operation_id)
            response = unexpected_error()
        if sandbox.config.validate_responses:
            response = _checked(sandbox, operation, response)
        return response

    return endpoint


def _checked(sandbox: Sandbox, operation: Operation, response: Response) -> Response:
    headers = {k: v for k, v in response.headers.items()}
    body = getattr(response, "body", None)
    violations = operation.check_response(
        response.status_code, headers, body if isinstance(body, bytes) else None
    )
    if not violations:
        return response
    text = f"{operation.operation_id} answered {response.status_code}: " + "; ".join(violations)
    sandbox.response_violations.append(text)
    logger.error("response breaks the OpenAPI document: %s", text)
    return error_response(500, "InternalServerError", "The response broke the OpenAPI document")


def _route_key(path: str) -> tuple[tuple[int, str], ...]:
    return tuple((1 if part.startswith("{") else 0, part) for part in path.split("/"))


def _handlers(sandbox: Sandbox) -> dict[str, Handler]:
    """The hand-written handler of each operation, or the generic one (logged once)."""
    generic = generic_handlers(sandbox.spec, HANDLERS)
    sandbox.generic_operations = tuple(generic)
    if generic:
        logger.warning("operations served generically (no sandbox handler): %s", ", ".join(generic))
    unused = sorted(set(HANDLERS) - set(sandbox.spec.operations))
    if unused:
        logger.warning("sandbox handlers without an operation in the document: %s", unused)
    return {**HANDLERS, **generic}


def _routes(sandbox: Sandbox) -> list[Route]:
    handlers = _handlers(sandbox)
    by_path: dict[str, dict[str, Operation]] = {}
    for operation in sandbox.spec.operations.values():
        by_path.setdefault(operation.path, {})[operation.method] = operation
    routes: list[Route] = []
    for path in sorted(by_path, key=_route_key):
        methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]
        endpoint = _api_endpoint(sandbox, by_path[path], handlers)
        routes.append(Route(path, endpoint, methods=methods))
    routes.append(
        Route("/connect/authorize", _guard(sandbox, sandbox.auth.authorize), methods=["GET"])
    )
    routes.append(Route("/connect/token", _guard(sandbox, sandbox.auth.token), methods=["POST"]))
    for path, method, func in _portal.routes(sandbox):
        routes.append(Route(path, _guard(sandbox, func), methods=[method]))
    return routes


async def _not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    if status == 405:
        # RFC 9110: a 405 answer lists the methods the resource supports.
        headers = getattr(exc, "headers", None)
        return method_not_allowed(request.method, dict(headers) if headers else None)
    return error_response(404, "NotFound", f"No route matches {request.method} {request.url.path}")


def create_app(config: SandboxConfig | None = None, *, spec_file: str | None = None) -> SandboxApp:
    """A new sandbox app with empty state; ``app.state.sandbox`` is its :class:`Sandbox`."""
    config = config if config is not None else SandboxConfig()
    sandbox = Sandbox(config, load_spec(spec_file))
    routes = _routes(sandbox)
    app = SandboxApp(routes=routes, exception_handlers={404: _not_found, 405: _not_found})
    app._index = _RouteIndex(routes)
    app.sandbox = sandbox
    app.state.sandbox = sandbox
    app._fault_layer = FaultLayer(
        lambda: sandbox.faults,
        lambda: sandbox.rng,
        sandbox.request_log,
        quota=sandbox.quota,
        account=sandbox.account,
    )
    return app
