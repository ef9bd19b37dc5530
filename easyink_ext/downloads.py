"""Streaming PDF downloads that survive dropped connections.

:func:`download` streams one GET answer through the client's pooled ``httpx.AsyncClient``
(so the first request gets the client's retries, auth and typed errors) into a file path or a
binary file object, in constant memory.

* **Path destination**: bytes go to a temporary file in the destination's directory (created
  with its missing parents), which is fsynced and moved into place with ``os.replace`` only
  once complete; the destination never holds a partial file and the temporary file is removed
  on any failure or cancellation. A file system error names the destination, never the
  temporary file.
* **File object destination**: bytes are written as they arrive, from the object's position
  at the call. A restart from zero seeks back and truncates; an object that cannot seek
  makes a restart fail with :class:`DownloadError`.
* **Resume**: when the body is cut short (connection dropped, read error or timeout) and the
  first answer carried a strong ``ETag`` and ``Accept-Ranges: bytes``, the next attempt asks
  for the rest with ``Range: bytes=<received>-`` and ``If-Range: <etag>``. A ``206`` whose
  ``Content-Range`` continues at the right offset is appended; a ``200`` means the document
  changed, so the download restarts from zero with that answer; anything else restarts from
  zero with a plain request. Without a usable validator every retry restarts from zero.
* **Verification**: the final size must equal ``Content-Length`` (or the ``Content-Range``
  total) of the answers.

Downloads ask for ``Accept-Encoding: identity`` so that sizes and ranges count the bytes of
the document itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol, TypedDict
from urllib.parse import unquote
from uuid import UUID

import anyio
import attrs
import httpx

from . import _telemetry
from ._control import CONTROL
from ._limits import STREAM
from ._retry import RetryBudget, RetryPolicy, retry_pause
from .errors import APIConnectionError, APIStatusError, EasyInkError, status_error_from_response

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._client import EasyInk

__all__ = [
    "DownloadError",
    "DownloadOptions",
    "DownloadResult",
    "download",
    "download_all_in_one_document",
    "download_draft_attachment",
    "download_draft_document",
    "download_session_attachment",
    "download_session_document",
    "download_signed_document",
]

DEFAULT_CHUNK_SIZE = 64 * 1024


class DownloadOptions(TypedDict, total=False):
    """The keyword options every ``download_*`` helper passes on to :func:`download`."""

    chunk_size: int
    max_attempts: int | None
    backoff: float | None


_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_FILENAME_EXT = re.compile(r"filename\*\s*=\s*([\w!#$%&+^`{}~-]*)'[^']*'([^;\s]+)", re.IGNORECASE)
_FILENAME = re.compile(r'(?<![\w*])filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', re.IGNORECASE)
# Failures while reading a body that leave the transfer incomplete but worth resuming.
_BODY_FAILURES = (httpx.TransportError,)


class DownloadError(EasyInkError):
    """A download could not be completed or verified (size mismatch, unusable destination)."""


@attrs.frozen
class DownloadResult:
    """What :func:`download` wrote.

    ``path`` is the destination path (``None`` for a file object); ``resumed`` counts the
    attempts that continued with a ``Range`` request, ``restarted`` those that started again
    from byte zero; ``etag``, ``content_type`` and ``filename`` (from ``Content-Disposition``)
    describe the final answer. ``filename`` is chosen by the server: it is reduced to a base
    name without directories or control characters, but is still untrusted text (it may
    name an existing file, or be unsuitable on your file system).
    """

    path: Path | None
    bytes_written: int
    etag: str | None
    resumed: int
    restarted: int
    content_type: str | None
    filename: str | None


class _Sink(Protocol):
    """Where downloaded bytes go."""

    async def write(self, data: bytes) -> None:
        """Append ``data``."""

    async def reset(self) -> None:
        """Drop everything written so far (restart from zero)."""


class _FileObjectSink:
    """Writes into a caller's binary file object, starting at its current position."""

    def __init__(self, fileobj: BinaryIO) -> None:
        self._file = fileobj
        self._seekable = _is_seekable(fileobj)
        self._start = fileobj.tell() if self._seekable else 0

    async def write(self, data: bytes) -> None:
        self._file.write(data)

    async def reset(self) -> None:
        if not self._seekable:
            raise DownloadError(
                "the download must restart from the beginning but the destination file "
                "object is not seekable; pass a path or a seekable file object"
            )
        self._file.seek(self._start)
        self._file.truncate()


class _TempFileSink:
    """Writes into a temporary file next to ``dest``; :meth:`commit` moves it into place."""

    def __init__(self, dest: Path, handle: BinaryIO, temp_path: Path) -> None:
        self._dest = dest
        self._file = handle
        self.temp_path = temp_path

    @classmethod
    async def create(cls, dest: Path) -> _TempFileSink:
        def _open() -> tuple[BinaryIO, Path]:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            dest.parent.mkdir(parents=True, exist_ok=True)
            for _ in range(100):
                temp_path = dest.with_name(f".{_short(dest.name)}.{secrets.token_hex(6)}.part")
                try:
                    # 0o666 filtered by the umask: the same mode a plain open() would give.
                    fd = os.open(temp_path, flags, 0o666)
                except FileExistsError:
                    continue
                except OSError as exc:
                    raise _naming(dest, exc) from None
                return os.fdopen(fd, "wb"), temp_path
            raise DownloadError(f"could not create a temporary file next to {dest}")

        handle, temp_path = await anyio.to_thread.run_sync(_open)
        return cls(dest, handle, temp_path)

    async def write(self, data: bytes) -> None:
        await anyio.to_thread.run_sync(self._file.write, data)

    async def reset(self) -> None:
        def _reset() -> None:
            self._file.seek(0)
            self._file.truncate()

        await anyio.to_thread.run_sync(_reset)

    async def commit(self) -> None:
        def _commit() -> None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            try:
                os.replace(self.temp_path, self._dest)
            except OSError as exc:
                raise _naming(self._dest, exc) from None

        await anyio.to_thread.run_sync(_commit)

    async def discard(self) -> None:
        """Close and delete the temporary file (safe to call after :meth:`commit`)."""

        def _discard() -> None:
            self._file.close()
            with contextlib.suppress(FileNotFoundError):
                self.temp_path.unlink()

        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_discard)


def _naming(dest: Path, error: OSError) -> OSError:
    """``error`` about ``dest`` rather than the temporary file (same errno, so same subclass)."""
    return OSError(error.errno, error.strerror or str(error), str(dest))


def _short(name: str, limit: int = 32) -> str:
    """At most ``limit`` bytes of ``name`` (whole characters): temporary names stay short."""
    return name.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _is_seekable(fileobj: BinaryIO) -> bool:
    try:
        return bool(fileobj.seekable())
    except (AttributeError, OSError, ValueError):
        return False


@attrs.define
class _Progress:
    """State of one download across attempts."""

    received: int = 0
    total: int | None = None
    etag: str | None = None
    resumable: bool = False
    resumed: int = 0
    restarted: int = 0
    content_type: str | None = None
    filename: str | None = None


def _parse_filename(header: str | None) -> str | None:
    """The file name of a ``Content-Disposition`` value; ``filename*`` (RFC 6266) preferred."""
    if not header:
        return None
    extended = _FILENAME_EXT.search(header)
    if extended is not None:
        charset = extended.group(1) or "utf-8"
        try:
            name = unquote(extended.group(2), encoding=charset, errors="strict")
        except (LookupError, UnicodeDecodeError):
            name = ""
        if name:
            return name
    plain = _FILENAME.search(header)
    if plain is None:
        return None
    value = plain.group(1).strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = re.sub(r"\\(.)", r"\1", value[1:-1])
    return value or None


def _base_name(name: str | None) -> str | None:
    """The last path segment of a server-chosen name, without control characters."""
    if name is None:
        return None
    base = re.split(r"[/\\]", name)[-1]
    base = CONTROL.sub("", base).strip()
    return None if base in ("", ".", "..") else base[:255]


def _int_header(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def _is_strong(etag: str | None) -> bool:
    """True for a strong entity tag (quoted, not ``W/``): only those may validate ranges."""
    return etag is not None and etag.startswith('"') and etag.endswith('"') and len(etag) >= 2


def _take_metadata(state: _Progress, response: httpx.Response) -> None:
    """Record validator, size and names from a ``200`` answer (start of a full transfer)."""
    headers = response.headers
    etag = headers.get("etag")
    encoded = headers.get("content-encoding", "identity").strip().lower() not in ("", "identity")
    state.etag = etag
    state.total = None if encoded else _int_header(headers.get("content-length"))
    state.resumable = (
        _is_strong(etag) and "bytes" in headers.get("accept-ranges", "").lower() and not encoded
    )
    state.content_type = headers.get("content-type")
    state.filename = _base_name(_parse_filename(headers.get("content-disposition")))


def _continues(state: _Progress, response: httpx.Response) -> bool:
    """True when a ``206`` answer is exactly the rest of the representation we hold."""
    match = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
    if match is None:
        return False
    start, total = int(match.group(1)), match.group(3)
    if start != state.received:
        return False
    if total != "*" and state.total is not None and int(total) != state.total:
        return False
    etag = response.headers.get("etag")
    if etag is not None and etag != state.etag:
        return False
    if state.total is None and total != "*":
        state.total = int(total)
    return True


async def _raise_for_status(response: httpx.Response) -> None:
    """Raise the typed error for a non-2xx answer the transport let through."""
    if response.status_code < 300:
        return
    body = await response.aread()
    raise status_error_from_response(
        status_code=response.status_code,
        reason=response.reason_phrase,
        body=body,
        method=response.request.method,
        url=str(response.request.url),
    )


class _Restart(Exception):
    """The answer cannot continue the transfer: start again from zero with a plain GET."""


async def _attempt(
    http: httpx.AsyncClient,
    path: str,
    sink: _Sink,
    state: _Progress,
    chunk_size: int,
) -> None:
    """One GET; appends to ``sink``. Raises a body failure when cut short."""
    headers = {"Accept-Encoding": "identity"}
    resuming = state.received > 0 and state.resumable and state.etag is not None
    if resuming:
        headers["Range"] = f"bytes={state.received}-"
        headers["If-Range"] = state.etag or ""
    elif state.received > 0:
        await sink.reset()
        state.received = 0
        state.restarted += 1
    async with http.stream("GET", path, headers=headers, extensions={STREAM: True}) as response:
        await _raise_for_status(response)
        if resuming and response.status_code == 206:
            if not _continues(state, response):
                raise _Restart
            state.resumed += 1
        elif response.status_code == 200:
            if resuming:  # the representation changed: start over with this answer
                await sink.reset()
                state.received = 0
                state.restarted += 1
            _take_metadata(state, response)
        else:
            raise DownloadError(
                f"unexpected HTTP {response.status_code} answer to a download of {path}"
            )
        async for data in response.aiter_bytes():
            # Written as it arrives (a chunker would hold back bytes lost on a cut).
            for offset in range(0, len(data), chunk_size):
                chunk = data[offset : offset + chunk_size]
                await sink.write(chunk)
                state.received += len(chunk)
            if state.total is not None and state.received > state.total:
                raise DownloadError(
                    f"the server sent more than the announced {state.total} bytes for {path}"
                )


async def _transfer(
    http: httpx.AsyncClient,
    path: str,
    sink: _Sink,
    *,
    chunk_size: int,
    retry: tuple[RetryBudget, RetryPolicy],
) -> _Progress:
    """Run attempts until the body is complete and verified, or the retries run out.

    Each attempt after the first is a retry of the download: ``retry`` (the client's budget,
    and its policy with this download's attempts and backoff) allows it and times it.
    """
    state = _Progress()
    attempts = 0
    while True:
        attempts += 1
        failure: BaseException | None = None
        try:
            await _attempt(http, path, sink, state, chunk_size)
        except _Restart:
            failure = None
            state.resumable = False  # the server does not continue properly: no more ranges
        except _BODY_FAILURES as exc:
            failure = exc
        except APIConnectionError as exc:
            # The transport already retried the request itself; keep going only when a
            # partial body is at stake.
            if state.received == 0:
                raise
            failure = exc
        except APIStatusError as exc:
            if exc.status_code != 416 or state.received == 0:
                raise
            failure = exc  # the range no longer fits the document: start over
            state.resumable = False
        else:
            if state.total is None or state.received == state.total:
                return state
            failure = DownloadError(f"the body ended after {state.received} of {state.total} bytes")
        budget, policy = retry
        if not await retry_pause(budget, policy, attempts - 1, connection_failure=True):
            detail = f"{type(failure).__name__}: {failure}" if failure else "no usable answer"
            raise APIConnectionError(
                f"download incomplete after {attempts} attempts, {state.received} bytes "
                f"received ({detail})",
                method="GET",
                url=str(http.base_url.join(path)),
            ) from failure


def _retry_of(
    ei: EasyInk, max_attempts: int | None, backoff: float | None
) -> tuple[RetryBudget, RetryPolicy]:
    """The client's retry budget, and its policy with this download's attempts and backoff."""
    # An object with only a generated ``client`` (no EasyInk) gets the default policy.
    policy: RetryPolicy = getattr(ei, "retry_policy", None) or RetryPolicy()
    budget: RetryBudget = getattr(ei, "retry_budget", None) or RetryBudget()
    policy = dataclasses.replace(
        policy,
        max_retries=policy.max_retries if max_attempts is None else max_attempts - 1,
        backoff_base=policy.backoff_base if backoff is None else backoff,
    )
    return budget, policy


@_telemetry.instrumented("download")
async def download(
    ei: EasyInk,
    path: str,
    dest: str | os.PathLike[str] | BinaryIO,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_attempts: int | None = None,
    backoff: float | None = None,
) -> DownloadResult:
    """Stream the answer of ``GET path`` (an API path) into ``dest``; see the module docs.

    ``max_attempts`` bounds the requests made for this download (first one included; default
    the client's ``max_retries + 1``); ``backoff`` replaces the client's ``backoff_base`` for
    the pauses between them. Attempts follow the client's retry policy and draw from its retry
    budget (:mod:`easyink_ext._retry`).
    Non-2xx answers raise the typed errors of :mod:`easyink_ext.errors`; a transfer still
    incomplete after ``max_attempts`` raises :class:`~easyink_ext.errors.APIConnectionError`.
    """
    if chunk_size <= 0:
        raise ValueError("chunk_size must be > 0")
    if max_attempts is not None and max_attempts < 1:
        raise ValueError("max_attempts must be >= 1")
    retry = _retry_of(ei, max_attempts, backoff)
    http = ei.client.get_async_httpx_client()
    if isinstance(dest, (str, os.PathLike)):
        target = Path(dest)
        sink = await _TempFileSink.create(target)
        try:
            state = await _transfer(http, path, sink, chunk_size=chunk_size, retry=retry)
            await sink.commit()
        finally:
            await sink.discard()
        result_path: Path | None = target
    else:
        state = await _transfer(
            http,
            path,
            _FileObjectSink(dest),
            chunk_size=chunk_size,
            retry=retry,
        )
        result_path = None
    return DownloadResult(
        path=result_path,
        bytes_written=state.received,
        etag=state.etag,
        resumed=state.resumed,
        restarted=state.restarted,
        content_type=state.content_type,
        filename=state.filename,
    )


async def download_draft_document(
    ei: EasyInk,
    draft_id: UUID | str,
    document_id: UUID | str,
    dest: str | os.PathLike[str] | BinaryIO,
    **options: Unpack[DownloadOptions],
) -> DownloadResult:
    """Download an uploaded document of a draft (``downloadDraftDocument``)."""
    return await ei.drafts.documents.download(draft_id, document_id, to=dest, **options)


async def download_draft_attachment(
    ei: EasyInk,
    draft_id: UUID | str,
    attachment_id: UUID | str,
    dest: str | os.PathLike[str] | BinaryIO,
    **options: Unpack[DownloadOptions],
) -> DownloadResult:
    """Download an attachment of a draft (``downloadDraftAttachment``)."""
    return await ei.drafts.attachments.download(draft_id, attachment_id, to=dest, **options)


async def download_session_document(
    ei: EasyInk,
    session_id: UUID | str,
    document_id: UUID | str,
    dest: str | os.PathLike[str] | BinaryIO,
    **options: Unpack[DownloadOptions],
) -> DownloadResult:
    """Download an original (unsigned) document of a session (``downloadSessionDocument``)."""
    return await ei.sessions.documents.download(session_id, document_id, to=dest, **options)


async def download_session_attachment(
    ei: EasyInk,
    session_id: UUID | str,
    attachment_id: UUID | str,
    dest: str | os.PathLike[str] | BinaryIO,
    **options: Unpack[DownloadOptions],
) -> DownloadResult:
    """Download an attachment of a session (``downloadSessionAttachment``)."""
    return await ei.sessions.attachments.download(session_id, attachment_id, to=dest, **options)


async def download_signed_document(
    ei: EasyInk,
    session_id: UUID | str,
    signed_document_id: UUID | str,
    dest: str | os.PathLike[str] | BinaryIO,
    **options: Unpack[DownloadOptions],
) -> DownloadResult:
    """Download one signed document of a finished session (``downloadSignedDocument``)."""
    signed = ei.sessions.signed_documents
    return await signed.download(session_id, signed_document_id, to=dest, **options)


async def download_all_in_one_document(
    ei: EasyInk,
    session_id: UUID | str,
    dest: str | os.PathLike[str] | BinaryIO,
    **options: Unpack[DownloadOptions],
) -> DownloadResult:
    """Download the all-in-one PDF: signed documents + audit (``downloadAllInOneDocument``)."""
    return await ei.sessions.all_in_one.download(session_id, to=dest, **options)
