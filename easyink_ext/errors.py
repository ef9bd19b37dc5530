"""Typed exceptions raised by every EasyInk call made through :class:`easyink_ext.EasyInk`.

Hierarchy::

    EasyInkError
    ├── RequestValidationError (also ValueError)   bad input refused before sending
    ├── OAuthError                                  token endpoint / authorization flow failures
    ├── OutcomeUnknownError                         marker: the request may have taken effect
    ├── APIConnectionError                          no HTTP answer was received
    │   ├── OutcomeUnknownConnectionError (also OutcomeUnknownError)
    │   └── APITimeoutError                         an attempt took longer than ``timeout``
    │       └── OutcomeUnknownTimeoutError (also OutcomeUnknownError)
    ├── APIResponseError                            a 2xx answer the SDK cannot use
    │   ├── APIResponseValidationError              malformed or wrong-shaped (also ValueError)
    │   ├── ResponseTooLargeError                   body over the client's size cap
    │   └── InconsistentResponseError               ids that contradict what was sent
    └── APIStatusError                              the server answered with a non-2xx status
        ├── BadRequestError (alias ValidationError)   400
        ├── AuthenticationError                        401
        ├── PermissionDeniedError                      403
        ├── NotFoundError                              404
        ├── ConflictError                              409
        ├── RateLimitError                             429 (retry_after)
        ├── UnexpectedRedirectError                    3xx (never followed; location_host)
        └── InternalServerError                        5xx
            └── OutcomeUnknownServerError (also OutcomeUnknownError)

Defined next to the helpers that raise them (subclasses of ``EasyInkError``)::

    EasyInkError
    ├── WaitTimeoutError (also TimeoutError)        waiters: gave up waiting (``last``)
    ├── DocumentProcessingError                     waiters: a document failed processing
    ├── SessionEndedError                           waiters: ended in a status not waited for
    ├── DownloadError                               downloads: incomplete or unverifiable
    ├── WorkflowError                               workflow: a step failed (step, draft_id...)
    ├── ReconcileError                              reconcile: the server could not tell
    ├── LedgerError                                 ledger: cannot be opened, read or written
    │   └── LedgerBindingError                      ledger: bound to another server or account
    └── LeaseLostError                              batch: another worker took the row over

Exception text never contains request headers, tokens or secrets: only the method, the URL
(query values of secret-looking parameters redacted) and the server's error code and message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._redact import REDACTED, redact_text, redact_url

__all__ = [
    "APIConnectionError",
    "APIResponseError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "EasyInkError",
    "InconsistentResponseError",
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
    "ResponseTooLargeError",
    "UnexpectedRedirectError",
    "ValidationError",
    "status_error_from_response",
]

_EXCERPT_LIMIT = 200
# Bounds on what a server's error body can put into an exception (and a terminal).
MAX_MESSAGE = 1000
MAX_INNER_MESSAGE = 300
MAX_INNER_ERRORS = 20
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


class APIResponseError(EasyInkError):
    """A successful (2xx) answer that the SDK cannot use.

    ``operation`` names the call (an operationId or a description), ``status_code`` the
    answer's status when known and ``snippet`` a short, single-line, redacted excerpt of it.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        status_code: int | None = None,
        snippet: str = "",
    ) -> None:
        self.operation = operation
        self.status_code = status_code
        self.snippet = snippet
        text = f"{operation}: {message}"
        if status_code is not None:
            text += f" (HTTP {status_code})"
        if snippet:
            text += f" - body: {snippet}"
        super().__init__(text)


class APIResponseValidationError(APIResponseError, ValueError):
    """A 2xx answer is not valid JSON, nests too deeply, or lacks the documented shape."""


class ResponseTooLargeError(APIResponseError):
    """A body exceeded the client's cap (``max_response_bytes``); reading stopped at the cap."""


class InconsistentResponseError(APIResponseError):
    """Ids returned by the server contradict each other or what was sent (e.g. one id twice)."""


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
"""Another name of :class:`BadRequestError` (400): the API's ``ValidationError`` code."""


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


class UnexpectedRedirectError(APIStatusError):
    """3xx: the API never redirects, so the answer is not followed. ``location_host`` is the
    host of its ``Location`` header (the path and query are never shown), or ``None``."""

    def __init__(self, *, location_host: str | None = None, **kwargs: Any) -> None:
        self.location_host = location_host
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


def _clean(text: str, limit: int, secrets: Sequence[str]) -> str:
    """One line of at most ``limit`` characters, with secrets and known tokens redacted."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = " ".join(text[: limit * 4].split())
    text = redact_text(text)
    return text if len(text) <= limit else text[:limit] + "..."


def _parse_api_error(
    body: bytes, secrets: Sequence[str] = ()
) -> tuple[str, str, list[InnerError]] | None:
    """Return (code, message, inner errors) when ``body`` is an ApiErrorResponse.

    Messages are redacted (including the exact ``secrets``, e.g. the token that was sent)
    and truncated; at most ``MAX_INNER_ERRORS`` inner errors are kept.
    """
    import json  # on the first error answer: `import easyink_ext` stays light

    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
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
        for item in raw_inner[:MAX_INNER_ERRORS]:
            if isinstance(item, dict):
                inner.append(
                    InnerError(
                        _clean(str(item.get("code", "")), 100, secrets),
                        _clean(str(item.get("message", "")), MAX_INNER_MESSAGE, secrets),
                    )
                )
    return _clean(code, 100, secrets), _clean(message, MAX_MESSAGE, secrets), inner


def _excerpt(body: bytes, secrets: Sequence[str] = ()) -> str:
    """A short, single-line, redacted excerpt of a non-ApiError body."""
    text = body[: _EXCERPT_LIMIT * 4].decode("utf-8", errors="replace")
    return _clean(text, _EXCERPT_LIMIT, secrets)


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
    secrets: Sequence[str] = (),
    location_host: str | None = None,
) -> APIStatusError:
    """Build the typed exception for a non-2xx answer.

    ``outcome_unknown`` selects :class:`OutcomeUnknownServerError` for a 5xx answer to a
    request that must not be replayed. ``secrets`` (e.g. the bearer token that was sent) are
    redacted wherever the server echoed them: message, inner errors and URL.
    """
    for secret in secrets:
        if secret:
            url = url.replace(secret, REDACTED)
    parsed = _parse_api_error(body, secrets)
    if parsed is not None:
        code: str | None
        code, message, inner = parsed
    else:
        code, inner = None, []
        excerpt = _excerpt(body, secrets)
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
    if 300 <= status_code < 400:
        if location_host:
            kwargs["message"] = f"{message} - redirect to host {location_host} not followed"
        return UnexpectedRedirectError(location_host=location_host, **kwargs)
    if status_code >= 500:
        if outcome_unknown:
            return OutcomeUnknownServerError(**kwargs)
        return InternalServerError(**kwargs)
    cls = _STATUS_CLASSES.get(status_code, APIStatusError)
    return cls(**kwargs)
