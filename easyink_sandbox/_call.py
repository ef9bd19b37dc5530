"""The context a handler receives: caller, validated request, state, and response helpers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import Response

from ._downloads import Blob, download_response
from ._spec import Operation, Parsed
from ._store import SessionStore


@attrs.frozen
class Call:
    """One validated API call."""

    store: SessionStore
    user: str
    request: Request
    operation: Operation
    parsed: Parsed

    @property
    def path(self) -> list[str]:
        """Path parameter values in the order of the path template."""
        return self.parsed.path

    @property
    def body(self) -> dict[str, Any]:
        """The JSON object body (empty when absent)."""
        body = self.parsed.body
        return body if isinstance(body, dict) else {}

    def json(self, value: Any) -> Response:
        """``value`` as JSON with the operation's success status."""
        return Response(
            json.dumps(value, separators=(",", ":")),
            status_code=self.operation.success_status,
            media_type="application/json",
        )

    def empty(self) -> Response:
        """An empty success response."""
        return Response(status_code=self.operation.success_status)

    def download(self, blob: Blob, filename: str) -> Response:
        """A streamed PDF download honouring Range."""
        return download_response(self.request, blob, filename)


Handler = Callable[[Call], Response]
