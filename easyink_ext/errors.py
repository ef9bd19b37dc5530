"""Typed exceptions raised by every EasyInk call made through :class:`easyink_ext.EasyInk`.

Hierarchy::

    EasyInkError
    ├── RequestValidationError (also ValueError)   bad input refused before sending
    ├── OAuthError                                  token endpoint / authorization flow failures
    ├── OutcomeUnknownError                         marker: the request may have taken effect
    ├── APIConnectionError                          no HTTP answer was received
    │   ├── OutcomeUnknownConnectionError (also OutcomeUnknownError)
    │   └── APITimeoutError
    │       └── OutcomeUnknownTimeoutError (also OutcomeUnknownError)
    └── APIStatusError                              the server answered with a non-2xx status
        ├── BadRequestError (alias ValidationError)   400
        ├── AuthenticationError                        401
        ├── PermissionDeniedError                      403
        ├── NotFoundError                              404
        ├── ConflictError                              409
        ├── RateLimitError                             429 (retry_after)
        └── InternalServerError                        5xx
            └── OutcomeUnknownServerError (also OutcomeUnknownError)

Exception text never contains request headers, tokens or secrets: only the method, the URL
(query values of secret-looking parameters redacted) and the server's error code and message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ._redact import redact_text, redact_url

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "EasyInkError",
    "InnerError",
    "InternalServerError",
    "NotFoundError",
    "OAuthError",
    "OutcomeUnknownConnectionError",
    "OutcomeUnknownError",
    "OutcomeUnknownServerError",
    "OutcomeUnknownTimeoutError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ValidationError",
    "status_error_from_response",
]

_EXCERPT_LIMIT = 200
_RECONCILE_HINT = (
    "the outcome is unknown: the server may or may not have processed this request; "
    "it was not retried automatically - reconcile by reading the state back before retrying"
)


class EasyInkError(Exception):
    """Base class of every exception raised by easyink_ext."""


class RequestValidationError(EasyInkError, ValueError):
    """The request was refused before sending because it breaks the API's constraints.

    ``operation`` is the operationId; ``problems`` lists one readable message per violation.
    """

    def __init__(self, operation: str, problems: list[str]) -> None:
        self.operation = operation
        self.problems = list(problems)
        super().__init__(f"invalid request for {operation}: " + "; ".join(self.problems))


class OAuthError(EasyInkError):
    """The authorization flow or the token endpoint failed (state mismatch, refused grant...)."""


class OutcomeUnknownError(EasyInkError):
    """Marker: a non-idempotent request failed ambiguously, so it may have taken effect.

    Raised (through one of its concrete subclasses) instead of retrying a POST after a read
    timeout, a dropped connection or a 5xx answer. Read the state back (e.g. search the drafts
    by subject) before deciding to repeat the call.
    """


class APIConnectionError(EasyInkError):
    """No HTTP answer was received (connection refused, reset, dropped)."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        self.method = method
        self.url = redact_url(url)
        super().__init__(f"{message} ({method} {self.url})")


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, write, read or waiting for a pooled connection)."""


class OutcomeUnknownConnectionError(APIConnectionError, OutcomeUnknownError):
    """A POST lost its connection after the request was sent: it may have been processed."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(f"{message}; {_RECONCILE_HINT}", method=method, url=url)


class OutcomeUnknownTimeoutError(APITimeoutError, OutcomeUnknownError):
    """A POST timed out after the request was sent: it may have been processed."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(f"{message}; {_RECONCILE_HINT}", method=method, url=url)


@dataclass(frozen=True)
class InnerError:
    """One entry of ``ApiError.innerErrors``."""

    code: str
    message: str


class APIStatusError(EasyInkError):
    """The server answered with a non-2xx status.

    Attributes: ``status_code``, ``code`` (the ApiError code, e.g. ``"NotFound"``, or ``None``
    when the body was not an ApiError), ``message`` (the server's message, or a description
    built from the status line and a short body excerpt), ``inner_errors``, ``method``,
    ``url`` and ``note`` (extra context added by the retry layer, or ``None``).
    """

    def __init__(
        self,
        *,
        status_code: int,
        code: str | None,
        message: str,
        inner_errors: list[InnerError] | None = None,
        method: str,
        url: str,
        note: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.message = message
        self.inner_errors: list[InnerError] = list(inner_errors or [])
        self.method = method
        self.url = redact_url(url)
        self.note = note
        super().__init__(self._line())

    def _line(self) -> str:
        head = f"{self.status_code} {self.code}" if self.code else str(self.status_code)
        text = f"{head}: {self.message}"
        if self.inner_errors:
            inner = ", ".join(f"{e.code}: {e.message}" for e in self.inner_errors)
            text += f" [{inner}]"
        text += f" ({self.method} {self.url})"
        if self.note:
            text += f"; {self.note}"
        return text

    def __str__(self) -> str:
        return self._line()


class BadRequestError(APIStatusError):
    """400: the server refused the request data (ApiError code ``ValidationError``)."""


ValidationError = BadRequestError


class AuthenticationError(APIStatusError):
    """401: missing, expired or invalid access token."""


class PermissionDeniedError(APIStatusError):
    """403: the authenticated user may not do this."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist (or belongs to another user).

    ``after_ambiguous_attempt`` is True when an earlier attempt of the same idempotent request
    (e.g. a DELETE) failed ambiguously and was retried: the 404 may then mean that the earlier
    attempt succeeded. The retry layer never turns such a 404 into success by itself.
    """

    after_ambiguous_attempt: bool = False


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state of the resource."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the server's hint in seconds, if any."""

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


class OutcomeUnknownServerError(InternalServerError, OutcomeUnknownError):
    """A POST got a 5xx answer: the server may have processed it before failing."""

    def __init__(self, **kwargs: Any) -> None:
        note = kwargs.pop("note", None)
        kwargs["note"] = _RECONCILE_HINT if note is None else f"{note}; {_RECONCILE_HINT}"
        super().__init__(**kwargs)


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def _parse_api_error(body: bytes) -> tuple[str, str, list[InnerError]] | None:
    """Return (code, message, inner errors) when ``body`` is an ApiErrorResponse."""
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    err = doc.get("error")
    if not isinstance(err, dict):
        return None
    code, message = err.get("code"), err.get("message")
    if not isinstance(code, str) or not isinstance(message, str):
        return None
    inner: list[InnerError] = []
    raw_inner = err.get("innerErrors")
    if isinstance(raw_inner, list):
        for item in raw_inner:
            if isinstance(item, dict):
                inner.append(InnerError(str(item.get("code", "")), str(item.get("message", ""))))
    return code, redact_text(message), inner


def _excerpt(body: bytes) -> str:
    """A short, single-line, redacted excerpt of a non-ApiError body."""
    text = body[: _EXCERPT_LIMIT * 4].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    if len(text) > _EXCERPT_LIMIT:
        text = text[:_EXCERPT_LIMIT] + "..."
    return redact_text(text)


def status_error_from_response(
    *,
    status_code: int,
    reason: str,
    body: bytes,
    method: str,
    url: str,
    retry_after: float | None = None,
    outcome_unknown: bool = False,
    note: str | None = None,
) -> APIStatusError:
    """Build the typed exception for a non-2xx answer.

    ``outcome_unknown`` selects :class:`OutcomeUnknownServerError` for a 5xx answer to a
    request that must not be replayed.
    """
    parsed = _parse_api_error(body)
    if parsed is not None:
        code: str | None
        code, message, inner = parsed
    else:
        code, inner = None, []
        excerpt = _excerpt(body)
        message = f"HTTP {status_code} {reason}".rstrip()
        if excerpt:
            message += f" - body: {excerpt}"
    kwargs: dict[str, Any] = {
        "status_code": status_code,
        "code": code,
        "message": message,
        "inner_errors": inner,
        "method": method,
        "url": url,
        "note": note,
    }
    if status_code == 429:
        return RateLimitError(retry_after=retry_after, **kwargs)
    if status_code >= 500:
        if outcome_unknown:
            return OutcomeUnknownServerError(**kwargs)
        return InternalServerError(**kwargs)
    cls = _STATUS_CLASSES.get(status_code, APIStatusError)
    return cls(**kwargs)
