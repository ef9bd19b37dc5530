"""What the generated resources (``ei.drafts``, ``ei.sessions``...) send through.

The resource classes in :mod:`easyink_ext.resources` are generated from the spec; every one
of their methods calls one of the :class:`ResourceClient` methods below, which hold the rules:

* **Sending**: through the client's ``httpx.AsyncClient`` (retries, auth, typed errors,
  pre-flight validation), with the call's ``timeout`` and ``extra_headers``.
* **Answers**: a 2xx answer is parsed into the operation's success type; when it does not have
  the documented shape the call raises
  :class:`~easyink_ext.errors.APIResponseValidationError`, nothing else.
* **exists**: a 404 answer is ``False``; every other error raises.
* **Ids**: a path id is a ``UUID`` or its text; anything else is refused before sending. An
  answer that names its own id (a draft's, a session's) must name the one asked for, else the
  call raises :class:`~easyink_ext.errors.InconsistentResponseError`.
* **Raw answers**: :func:`raw_response` wraps a method to return a :class:`RawResponse`
  (status, headers and the parsed value) of the last answer the call received.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Awaitable, Callable, Mapping
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Generic, ParamSpec, TypeVar
from uuid import UUID

import anyio
import attrs
import httpx

from easyink_client.types import File

from ._answers import _LAST_ANSWER, malformed_answer, require_same_id
from .errors import EasyInkError, NotFoundError, RequestValidationError

if TYPE_CHECKING:
    from ._client import EasyInk
    from .downloads import DownloadResult

__all__ = [
    "FileInput",
    "RawResponse",
    "ResourceClient",
    "mime_type",
    "no_body",
    "path_id",
    "raw_response",
    "read_file",
    "require_answer_id",
]

_T = TypeVar("_T")
_P = ParamSpec("_P")

# What ``upload(file=...)`` takes: a path, the bytes, ``(filename, bytes)`` or a binary file.
FileInput = str | os.PathLike[str] | bytes | tuple[str, bytes] | BinaryIO

_PARSE_FAILURES = (KeyError, TypeError, AttributeError, ValueError, RecursionError, IndexError)


@attrs.frozen
class RawResponse(Generic[_T]):
    """A call's answer: its ``status_code``, ``headers`` and the ``parsed`` value.

    For ``exists`` on a missing resource the status is 404 and ``parsed`` is ``False``.
    """

    status_code: int
    headers: httpx.Headers
    parsed: _T


def raw_response(
    method: Callable[_P, Awaitable[_T]],
) -> Callable[_P, Awaitable[RawResponse[_T]]]:
    """``method`` returning a :class:`RawResponse` of the last answer it received."""

    @functools.wraps(method)
    async def call(*args: _P.args, **kwargs: _P.kwargs) -> RawResponse[_T]:
        token = _LAST_ANSWER.set(None)
        try:
            parsed = await method(*args, **kwargs)
            answer = _LAST_ANSWER.get()
        finally:
            _LAST_ANSWER.reset(token)
        if answer is None:  # cannot happen: every method returns after an answer
            raise EasyInkError(f"{method.__qualname__} returned without an answer")
        return RawResponse(answer.status_code, answer.headers, parsed)

    return call


def path_id(value: UUID | str, name: str, operation: str) -> str:
    """``value`` as a path segment: the text of a UUID (anything else is refused)."""
    if isinstance(value, UUID):
        return str(value)
    try:
        return str(UUID(value))
    except (TypeError, ValueError, AttributeError):
        problem = f"{name} must be a UUID or its text, not {type(value).__name__} {value!r:.60}"
        raise RequestValidationError(operation, [problem]) from None


def require_answer_id(operation: str, asked: UUID | str, answered: object) -> None:
    """Refuse an answer about another id than the path's ``asked`` (already checked by
    :func:`path_id`) with :class:`~easyink_ext.errors.InconsistentResponseError`."""
    require_same_id(operation, asked if isinstance(asked, UUID) else UUID(asked), answered)


def no_body(response: httpx.Response) -> None:
    """The success value of an operation whose answer has no body."""
    return None


async def read_file(file: FileInput, filename: str | None) -> File:
    """An upload's ``File``: a path is read in a worker thread, a file object is sent as is."""
    if isinstance(file, bytes):
        return _file(BytesIO(file), filename or "document.pdf")
    if isinstance(file, tuple):
        name, data = file
        return _file(BytesIO(data), filename or name)
    if isinstance(file, (str, os.PathLike)):
        path = Path(file)
        data = await anyio.Path(path).read_bytes()
        return _file(BytesIO(data), filename or path.name)
    name = filename or os.path.basename(str(getattr(file, "name", "") or "")) or "document.pdf"
    return _file(file, name)


def _file(payload: BinaryIO, name: str) -> File:
    return File(payload=payload, file_name=name, mime_type=mime_type(name))


_MIME_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def mime_type(filename: str) -> str:
    """The content type an upload named ``filename`` is sent with (PDF, Word, else binary)."""
    _, dot, extension = filename.lower().rpartition(".")
    return _MIME_TYPES.get(dot + extension, "application/octet-stream")


class ResourceClient:
    """Sends the generated resources' calls for one :class:`~easyink_ext.EasyInk` (or view)."""

    def __init__(self, ei: EasyInk) -> None:
        self._ei = ei
        self._http = ei.http_client

    async def call(
        self,
        parse: Callable[[httpx.Response], _T],
        operation: str,
        method: str,
        url: str,
        *,
        params: Mapping[str, object] | None = None,
        json: object = None,
        files: object = None,
        timeout: float | httpx.Timeout | None = None,  # noqa: ASYNC109 - httpx's, per attempt
        extra_headers: Mapping[str, str] | None = None,
    ) -> _T:
        """Send one request and parse its 2xx answer (non-2xx answers raise typed errors)."""
        response = await self._http.request(
            method,
            url,
            params=params,  # type: ignore[arg-type]
            json=json,
            files=files,  # type: ignore[arg-type]
            headers=extra_headers,
            timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
        )
        try:
            return parse(response)
        except EasyInkError:
            raise
        except _PARSE_FAILURES as exc:
            raise malformed_answer(response, exc, operation) from exc

    async def exists(
        self,
        operation: str,
        url: str,
        *,
        timeout: float | httpx.Timeout | None = None,  # noqa: ASYNC109 - httpx's, per attempt
        extra_headers: Mapping[str, str] | None = None,
    ) -> bool:
        """True on a 2xx answer, False on 404."""
        try:
            await self.call(
                no_body, operation, "head", url, timeout=timeout, extra_headers=extra_headers
            )
        except NotFoundError:
            return False  # the 404 is the answer recorded for ``with_raw_response``
        return True

    async def download(
        self,
        url: str,
        to: str | os.PathLike[str] | BinaryIO,
        *,
        chunk_size: int,
        max_attempts: int | None,
        backoff: float | None,
        timeout: float | httpx.Timeout | None = None,  # noqa: ASYNC109 - httpx's, per attempt
        extra_headers: Mapping[str, str] | None = None,
    ) -> DownloadResult:
        """Stream ``GET url`` into ``to`` with the download helpers (resume, size checks)."""
        from .downloads import download

        ei = self._ei
        if timeout is not None or extra_headers:
            ei = ei._call_view(timeout, extra_headers)
        return await download(
            ei, url, to, chunk_size=chunk_size, max_attempts=max_attempts, backoff=backoff
        )
