"""Answers the SDK cannot trust: safe JSON decoding and one typed error for malformed 2xx bodies.

A server (broken, hostile or simply a different version) may answer 2xx with a body that is
not JSON, nests thousands of levels deep, holds numbers with 100,000 digits, or has another
shape than the spec says. Whatever fails while such a body is decoded or turned into models
surfaces as :class:`~easyink_ext.errors.APIResponseValidationError` (operation, status and a
short redacted snippet), never as a bare ``KeyError``/``TypeError``/``RecursionError``:

* :class:`CheckedResponse` is what the transport returns for every fully read answer; its
  ``json()`` (what every generated function calls) bounds number literals and turns decoding
  failures into the typed error.
* :func:`parsed_answer` wraps a call of a generated function in the SDK's helpers: a
  ``KeyError``, ``TypeError``, ``AttributeError``, ``ValueError`` or ``RecursionError`` raised
  *after* a 2xx answer arrived (i.e. while building models from it) becomes the typed error.

A well-formed answer about something else than what was asked (another draft's id) is
refused by :func:`require_same_id` with :class:`~easyink_ext.errors.InconsistentResponseError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpx

from .errors import APIResponseValidationError, EasyInkError, InconsistentResponseError, _excerpt

__all__ = [
    "MAX_NUMBER_LENGTH",
    "CheckedResponse",
    "malformed_answer",
    "parsed_answer",
    "record_answer",
    "require_same_id",
    "sent_secrets",
]

# A JSON integer literal longer than this is refused (the API has no such numbers; a huge one
# costs quadratic time to convert and raises ValueError on Python 3.11+).
MAX_NUMBER_LENGTH = 100

# The last 2xx answer the transport returned in this task.
_LAST_ANSWER: ContextVar[httpx.Response | None] = ContextVar("easyink_last_answer", default=None)
_PARSE_FAILURES = (KeyError, TypeError, AttributeError, ValueError, RecursionError, IndexError)


def sent_secrets(request: httpx.Request) -> tuple[str, ...]:
    """The credentials a request carried (to redact wherever a server echoes them)."""
    value = request.headers.get("authorization", "")
    _, _, credential = value.partition(" ")
    return (credential.strip(),) if credential.strip() else ()


def _operation(request: httpx.Request) -> str:
    return f"{request.method} {request.url.path}"


def _bounded_int(text: str) -> int:
    # Converting a huge integer literal costs quadratic time (floats are linear, and end as inf).
    if len(text) > MAX_NUMBER_LENGTH:
        raise ValueError(f"a number with {len(text)} characters")
    return int(text)


_DECODER = json.JSONDecoder(parse_int=_bounded_int)


class CheckedResponse(httpx.Response):
    """A fully read answer whose ``json()`` raises :class:`APIResponseValidationError`."""

    @classmethod
    def read_from(
        cls,
        status_code: int,
        *,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        request: httpx.Request,
        extensions: dict[str, Any],
    ) -> CheckedResponse:
        """An answer whose (already decoded) ``body`` is in memory, as after ``read()``.

        ``httpx.Response(content=...)`` would run the bytes through the decoding pipeline
        again (about as much CPU as the rest of building the answer); the body is stored
        where ``read()`` stores it and served as is.
        """
        response = cls(
            status_code,
            headers=headers,
            stream=httpx.ByteStream(body),
            request=request,
            extensions=extensions,
        )
        response._content = body
        response.is_stream_consumed = True
        response.is_closed = True
        return response

    def json(self, **kwargs: Any) -> Any:
        """Decode the body; malformed, too deeply nested or huge-number JSON is refused."""
        try:
            if kwargs:
                kwargs.setdefault("parse_int", _bounded_int)
                return json.loads(self.content, **kwargs)
            # What json.loads does, with one decoder for all answers instead of one per call.
            content = self.content
            return _DECODER.decode(content.decode(json.detect_encoding(content), "surrogatepass"))
        except (ValueError, RecursionError) as exc:
            raise self.validation_error(f"the answer is not usable JSON ({_reason(exc)})") from exc

    def malformed(self, exc: BaseException, operation: str) -> APIResponseValidationError | None:
        """The typed error for ``exc``, raised while building models from this answer (what
        the generated functions raise instead); ``None`` when ``exc`` is already typed."""
        if isinstance(exc, EasyInkError):
            return None
        return malformed_answer(self, exc, operation)

    def validation_error(self, message: str) -> APIResponseValidationError:
        """The typed error for this answer, with a short redacted snippet of its body."""
        request = self.request
        return APIResponseValidationError(
            message,
            operation=_operation(request),
            status_code=self.status_code,
            snippet=_excerpt(self.content, sent_secrets(request)),
        )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return " ".join(str(exc).split())[:120] or type(exc).__name__


def record_answer(response: httpx.Response) -> None:
    """Remember the answer just received: a 2xx returned (whose models
    :func:`parsed_answer` may fail to build), or the 4xx/5xx about to be raised."""
    _LAST_ANSWER.set(response)


def require_same_id(operation: str, asked: object, answered: object) -> None:
    """Refuse an answer whose id is not the one the request asked for."""
    if str(answered) != str(asked):
        raise InconsistentResponseError(
            f"asked for {asked} but the answer is about {str(answered)[:100]}",
            operation=operation,
        )


@contextmanager
def parsed_answer(operation: str) -> Iterator[None]:
    """Turn failures to build models from a 2xx answer inside the block into the typed error.

    Failures raised before any answer arrived (e.g. bad arguments) pass through unchanged, as
    do the SDK's own errors.
    """
    token = _LAST_ANSWER.set(None)
    try:
        yield
    except EasyInkError:
        raise
    except _PARSE_FAILURES as exc:
        answer = _LAST_ANSWER.get()
        if answer is None:
            raise
        raise malformed_answer(answer, exc, operation) from exc
    finally:
        _LAST_ANSWER.reset(token)


def malformed_answer(
    answer: httpx.Response, exc: BaseException, operation: str
) -> APIResponseValidationError:
    """The typed error for a 2xx ``answer`` whose models could not be built (``exc``)."""
    body = answer.content if isinstance(answer, CheckedResponse) else b""
    try:
        secrets = sent_secrets(answer.request)
    except RuntimeError:  # an answer built without a request
        secrets = ()
    return APIResponseValidationError(
        f"the answer does not have the documented shape ({type(exc).__name__}: {_reason(exc)})",
        operation=operation,
        status_code=answer.status_code,
        snippet=_excerpt(body, secrets),
    )
