"""The request log of each sandbox account: what the code under test sent, as the server saw it."""

from __future__ import annotations

from .._faults import ConnectionDropped, Message, Receive, Scope, Send
from ..app import SandboxApp
from ._sandbox import ApiRequest


class AccountLog:
    """ASGI layer over a sandbox app: records each ``/api`` request under its token's user.

    A request is recorded before the last byte of its answer leaves, so a client that has the
    whole answer finds it in the log. A token that expired still names its user; requests
    without a token of this sandbox belong to no account.
    """

    def __init__(self, app: SandboxApp) -> None:
        self._app = app
        self._auth = app.sandbox.auth
        self._operations = {
            (operation.method.upper(), operation.path): operation.operation_id
            for operation in app.sandbox.spec.operations.values()
        }
        self._by_user: dict[str, list[ApiRequest]] = {}

    def of(self, user: str) -> list[ApiRequest]:
        """The requests of ``user`` so far, oldest first (a copy)."""
        return list(self._by_user.get(user, ()))

    def forget(self, user: str) -> None:
        """Drop what was recorded for ``user``."""
        self._by_user.pop(user, None)

    def _operation(self, method: str, scope: Scope) -> str | None:
        template = self._app.route_path(scope)
        if template is None:
            return None
        found = self._operations.get((method, template))
        if found is None and method == "HEAD":
            found = self._operations.get(("GET", template))
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == "/api" or path.startswith("/api/")):
            await self._app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        user = self._auth.subject(headers.get(b"authorization", b"").decode("latin-1"))
        if user is None:
            await self._app(scope, receive, send)
            return
        method: str = scope["method"]
        operation = self._operation(method, scope)
        status: int | None = None
        body_sent = logged = False

        def record() -> None:
            nonlocal logged
            if not logged:
                logged = True
                entry = ApiRequest(method, path, operation, status)
                self._by_user.setdefault(user, []).append(entry)

        async def tracked(message: Message) -> None:
            nonlocal status, body_sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body_sent = True
                if not message.get("more_body", False):
                    record()
            await send(message)

        try:
            await self._app(scope, receive, tracked)
        except ConnectionDropped:
            if not body_sent:
                status = None
            raise
        finally:
            record()
