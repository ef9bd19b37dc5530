"""One-call signing workflow: :func:`send_for_signature`.

``send_for_signature`` runs, from plain inputs, every step of sending documents for signature::

    create draft -> upload documents -> wait for processing -> add participants
    -> place fields -> set signing order -> convert -> start

and returns a :class:`SentSession` with every id. Inputs are checked before any request
(:class:`ValueError` with a readable message). Without explicit ``fields`` each signer gets one
``Signature`` field on the last page of every document, stacked from the bottom-left corner so
that fields never overlap and stay inside the page (page sizes come from ``getDraft``).

**Failures.** When a step fails the workflow deletes the draft it created (unless
``keep_draft_on_failure=True``) and raises :class:`WorkflowError` naming the step (``step``,
``draft_id``, ``cause``; the cause is also chained as ``__cause__``). A draft that was already
converted can no longer be deleted: it is voided instead. ``WorkflowError.cleanup`` says what
happened to it (``"deleted"``, ``"voided"``, ``"kept"``, ``"failed"`` or ``"none"``).

**Outcome unknown.** The client never repeats a POST that may have taken effect: it raises
:class:`~easyink_ext.errors.OutcomeUnknownError` instead. The workflow then reads the state back
and repeats the step only once the read proves that the first attempt had no effect:

- ``uploadDraftDocument``: ``getDraft``; a document not yet known to this workflow whose title
  matches the file name (or the only unknown document) is the upload.
- ``addDraftParticipant``: ``getDraft``; an unknown participant with the same e-mail (or, for
  a signer without e-mail, the same phone) is the participant.
- ``addDraftSignatureField``: ``getDraft``; an unknown field of the same type for the same
  document, participant, page and position is the field.
- ``convertDraft``: ``getDraft``; ``isLocked`` means it was converted.
- ``startSession``: ``getSession``; any status other than ``ReadyToStart`` means it started.
- ``createDraft`` has no id to read back. The workflow searches the ``Draft`` sessions
  (``searchSessions``, newest first) for a draft with exactly the same subject, created since
  the call began (allowing 30 s of clock difference with the server), still empty (no
  document, participant or field), and not already claimed by this client. Claims live in a
  small registry shared by every workflow of one :class:`~easyink_ext.EasyInk` client (and its
  ``with_options`` views): a workflow claims the id it gets back, and before claiming a draft
  found by the search it waits until every ``createDraft`` with that subject that was in flight
  at search time has returned and claimed its own id. Unclaimed empty drafts with the same
  subject are interchangeable, so claiming any one of them is correct. If the search (and one
  re-check after ``recheck_delay``) finds none, the creation did not happen and ``createDraft``
  is sent again. Drafts with the same subject created at the same moment by *another* process
  could be claimed; use distinctive subjects when several processes send at once.

Transient failures that the client gave up on (429, connection errors that provably did not
reach the server, outcome-unknown errors disproved by a read-back, and 5xx or connection errors
of idempotent reads, PUTs and waits) are retried by the workflow a few times
(``_STEP_ATTEMPTS``) before the step is declared failed.
"""

from __future__ import annotations

import io
import math
import os
import random
import re
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar, Union
from uuid import UUID

import anyio
import attrs

from easyink_client.api.signing_session_drafts import (
    add_draft_participant,
    add_draft_signature_field,
    convert_draft,
    create_draft,
    delete_draft,
    get_draft,
    set_one_by_one_signing_order,
    update_draft,
    upload_draft_document,
)
from easyink_client.api.signing_sessions import get_session, start_session, void_session
from easyink_client.models.add_draft_participant_request import AddDraftParticipantRequest
from easyink_client.models.add_draft_signature_field_request import (
    AddDraftSignatureFieldRequest,
)
from easyink_client.models.create_draft_request import CreateDraftRequest
from easyink_client.models.delivery_method import DeliveryMethod
from easyink_client.models.element_placement import ElementPlacement
from easyink_client.models.language import Language
from easyink_client.models.one_by_one_signing_order_request import OneByOneSigningOrderRequest
from easyink_client.models.reminder_frequency import ReminderFrequency
from easyink_client.models.signature_field_declaration import SignatureFieldDeclaration
from easyink_client.models.signature_field_options import SignatureFieldOptions
from easyink_client.models.signature_field_type import SignatureFieldType
from easyink_client.models.signing_configuration import SigningConfiguration
from easyink_client.models.signing_view import SigningView
from easyink_client.models.update_draft_request import UpdateDraftRequest
from easyink_client.models.upload_draft_document_body import UploadDraftDocumentBody
from easyink_client.models.void_session_request import VoidSessionRequest
from easyink_client.types import File

from . import _telemetry, pagination
from ._answers import parsed_answer
from ._control import has_control
from ._schema import EMAIL
from .errors import (
    APIConnectionError,
    EasyInkError,
    InconsistentResponseError,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
)

if TYPE_CHECKING:
    from ._client import EasyInk

__all__ = [
    "DEFAULT_FIELD_HEIGHT",
    "DEFAULT_FIELD_WIDTH",
    "STEPS",
    "DocumentInput",
    "DraftClaims",
    "FieldSpec",
    "OnStep",
    "SentSession",
    "Signer",
    "WorkflowError",
    "default_field_placements",
    "send_for_signature",
]

DEFAULT_FIELD_WIDTH = 180.0
DEFAULT_FIELD_HEIGHT = 40.0
_PAGE_MARGIN = 36.0
_FIELD_GAP = 12.0
_STEP_ATTEMPTS = 4
_CLEANUP_ATTEMPTS = 4
_CREATE_SKEW = timedelta(seconds=30)
_CLAIM_TTL = 3600.0

STEPS = (
    "create draft",
    "update draft",
    "upload documents",
    "wait for processing",
    "add participants",
    "place fields",
    "set signing order",
    "convert",
    "start",
)

DeliveryName = Literal["Email", "Sms"]
FieldTypeName = Literal["Signature", "Initials", "Date", "Name", "Text"]
ReminderName = Literal["Never", "Daily", "Weekly"]
DocumentInput = Union[str, "os.PathLike[str]", bytes, tuple[str, bytes]]
"""A document: a file path, raw bytes, or ``(filename, bytes)``."""

_EMAIL_RE = EMAIL  # the same rule as the SDK's request validation
_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
_T = TypeVar("_T")


# -- inputs ------------------------------------------------------------------------------------


def _delivery_tuple(value: Sequence[DeliveryName] | None) -> tuple[DeliveryName, ...] | None:
    return None if value is None else tuple(value)


@attrs.frozen
class Signer:
    """A person who signs.

    ``delivery`` defaults to ``("Email",)`` when ``email`` is set, else ``("Sms",)`` when
    ``phone`` is set. ``phone`` is 10 digits (spaces, dots, dashes and parentheses are ignored).
    """

    name: str
    email: str | None = None
    phone: str | None = None
    delivery: tuple[DeliveryName, ...] | None = attrs.field(default=None, converter=_delivery_tuple)
    language: Literal["English", "Spanish"] = "English"

    @property
    def delivery_methods(self) -> tuple[DeliveryName, ...]:
        """The delivery methods used for this signer (explicit or defaulted)."""
        if self.delivery is not None:
            return self.delivery
        if self.email:
            return ("Email",)
        if self.phone:
            return ("Sms",)
        return ()

    @property
    def normalized_phone(self) -> str | None:
        """The phone number without separators (``None`` when unset)."""
        return None if self.phone is None else _PHONE_SEPARATORS.sub("", self.phone)

    @property
    def first_and_last_name(self) -> tuple[str, str | None]:
        """``name`` split into first name(s) and last name (``None`` for a one-word name)."""
        words = self.name.split()
        if len(words) == 1:
            return words[0], None
        return " ".join(words[:-1]), words[-1]

    def label(self) -> str:
        """A short human label: ``Name <email>`` or ``Name``."""
        return f"{self.name} <{self.email}>" if self.email else self.name


@attrs.frozen
class FieldSpec:
    """A field to place: 1-based ``page``, bottom-left corner ``x``/``y`` and size in points.

    ``signer`` is the signer's index in ``signers`` or their e-mail address (or exact name);
    ``document`` is the index in ``documents``.
    """

    page: int
    x: float
    y: float
    width: float = DEFAULT_FIELD_WIDTH
    height: float = DEFAULT_FIELD_HEIGHT
    signer: int | str = 0
    document: int = 0
    type: FieldTypeName = "Signature"


@attrs.frozen
class _PreparedDocument:
    filename: str
    data: bytes

    @property
    def title(self) -> str:
        return self.filename.rsplit(".", 1)[0] if "." in self.filename else self.filename

    @property
    def mime_type(self) -> str:
        lower = self.filename.lower()
        if lower.endswith(".pdf"):
            return "application/pdf"
        if lower.endswith(".docx"):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return "application/octet-stream"


@attrs.frozen
class _PlannedField:
    signer_index: int
    document_index: int
    type: FieldTypeName
    page: int
    x: float
    y: float
    width: float
    height: float


# -- results and errors -----------------------------------------------------------------------


@attrs.frozen
class SentSession:
    """What :func:`send_for_signature` created.

    ``participant_ids[i]`` belongs to ``signers[i]``; ``field_ids[i]`` to the i-th placed field
    (``fields[i]`` when fields were given, else signer-major order per document);
    ``timings`` maps each step to its duration in seconds.
    """

    session_id: UUID
    subject: str
    signers: tuple[Signer, ...]
    document_ids: tuple[UUID, ...]
    participant_ids: tuple[UUID, ...]
    field_ids: tuple[UUID, ...]
    timings: Mapping[str, float] = attrs.field(factory=dict)

    def participant_id(self, signer: int | str) -> UUID:
        """The participant id of a signer given by index, e-mail or name."""
        return self.participant_ids[_resolve_signer(signer, self.signers)]

    @property
    def participants_by_signer(self) -> dict[Signer, UUID]:
        """Mapping of each signer to their participant id."""
        return dict(zip(self.signers, self.participant_ids, strict=True))


class WorkflowError(EasyInkError):
    """A step of :func:`send_for_signature` failed.

    ``step`` is one of :data:`STEPS`; ``draft_id`` the draft that was created (or ``None``);
    ``cause`` the underlying exception (also ``__cause__``); ``cleanup`` what happened to the
    draft: ``"deleted"``, ``"voided"``, ``"kept"``, ``"failed"`` (it could not be removed) or
    ``"none"`` (no draft existed).
    """

    def __init__(
        self, step: str, draft_id: UUID | None, cause: BaseException, cleanup: str = "none"
    ) -> None:
        self.step = step
        self.draft_id = draft_id
        self.cause = cause
        self.cleanup = cleanup
        super().__init__(self._text())

    def _text(self) -> str:
        where = f" (draft {self.draft_id}, {self.cleanup})" if self.draft_id else ""
        return f"sending failed at step {self.step!r}{where}: {self.cause}"

    def __str__(self) -> str:
        return self._text()


# -- claims registry ---------------------------------------------------------------------------


class DraftClaims:
    """Draft ids already owned by workflows of one client, plus its in-flight ``createDraft``s.

    Used by the ``createDraft`` reconciliation (see the module docstring). All methods are
    synchronous, so a check-and-claim cannot interleave with another task.
    """

    def __init__(self) -> None:
        self._claimed: dict[UUID, float] = {}
        self._in_flight: dict[str, set[anyio.Event]] = {}

    def claim(self, draft_id: UUID) -> bool:
        """Claim ``draft_id``; False when it was already claimed."""
        now = time.monotonic()
        if len(self._claimed) > 1024:
            self._claimed = {k: t for k, t in self._claimed.items() if now - t < _CLAIM_TTL}
        if draft_id in self._claimed:
            return False
        self._claimed[draft_id] = now
        return True

    def is_claimed(self, draft_id: UUID) -> bool:
        """True when a workflow of this client owns ``draft_id``."""
        return draft_id in self._claimed

    @asynccontextmanager
    async def creating(self, subject: str) -> AsyncIterator[anyio.Event]:
        """Mark one ``createDraft`` with ``subject`` as in flight for the duration of the block."""
        done = anyio.Event()
        waiting = self._in_flight.setdefault(subject, set())
        waiting.add(done)
        try:
            yield done
        finally:
            done.set()
            waiting.discard(done)
            if not waiting:
                self._in_flight.pop(subject, None)

    def in_flight(self, subject: str, *, exclude: anyio.Event | None = None) -> list[anyio.Event]:
        """Completion events of the ``createDraft`` calls with ``subject`` now in flight."""
        return [e for e in self._in_flight.get(subject, ()) if e is not exclude]


_CLAIMS: weakref.WeakKeyDictionary[object, DraftClaims] = weakref.WeakKeyDictionary()


def _claims_for(ei: EasyInk) -> DraftClaims:
    # The retry budget is the one object a client shares with its with_options views.
    key = ei.retry_budget
    found = _CLAIMS.get(key)
    if found is None:
        found = _CLAIMS[key] = DraftClaims()
    return found


# -- validation --------------------------------------------------------------------------------


def _resolve_signer(ref: int | str, signers: Sequence[Signer]) -> int:
    if isinstance(ref, bool):
        raise ValueError(f"field signer must be an index or an e-mail address, not {ref!r}")
    if isinstance(ref, int):
        if not 0 <= ref < len(signers):
            raise ValueError(
                f"field signer index {ref} is out of range: there are {len(signers)} signer(s)"
            )
        return ref
    wanted = ref.strip().casefold()
    for index, signer in enumerate(signers):
        if signer.email and signer.email.casefold() == wanted:
            return index
    for index, signer in enumerate(signers):
        if signer.name.casefold() == wanted:
            return index
    raise ValueError(f"field signer {ref!r} matches no signer's e-mail or name")


def _check_signer(index: int, signer: Signer) -> None:
    where = f"signer {index + 1} ({signer.name!r})"
    if not signer.name or not signer.name.strip():
        raise ValueError(f"signer {index + 1} has an empty name")
    if any(has_control(v) for v in (signer.name, signer.email or "", signer.phone or "")):
        raise ValueError(f"{where}: control characters (NUL, ESC, ...) are not allowed")
    first, last = signer.first_and_last_name
    if len(first) > 100 or (last is not None and len(last) > 100):
        raise ValueError(f"{where}: first and last name must be at most 100 characters each")
    if signer.email is not None and (len(signer.email) > 256 or not _EMAIL_RE.match(signer.email)):
        raise ValueError(f"{where}: {signer.email!r} is not a valid e-mail address")
    phone = signer.normalized_phone
    if phone is not None and not re.fullmatch(r"\d{10}", phone):
        raise ValueError(f"{where}: phone must be 10 digits, got {signer.phone!r}")
    methods = signer.delivery_methods
    if not methods:
        raise ValueError(f"{where} needs an e-mail address or a phone number")
    for method in methods:
        if method not in ("Email", "Sms"):
            raise ValueError(f"{where}: unknown delivery method {method!r} (use Email or Sms)")
    if "Email" in methods and not signer.email:
        raise ValueError(f"{where}: delivery by Email needs an e-mail address")
    if "Sms" in methods and not phone:
        raise ValueError(f"{where}: delivery by Sms needs a phone number")
    if signer.language not in ("English", "Spanish"):
        raise ValueError(f"{where}: language must be English or Spanish")


def _check_signers(signers: Sequence[Signer]) -> tuple[Signer, ...]:
    if isinstance(signers, (str, Signer)):
        raise ValueError("signers must be a sequence of Signer")
    result = tuple(signers)
    if not result:
        raise ValueError("at least one signer is required")
    seen: set[str] = set()
    for index, signer in enumerate(result):
        if not isinstance(signer, Signer):
            raise ValueError(f"signer {index + 1} is not a Signer: {signer!r}")
        _check_signer(index, signer)
        if signer.email:
            key = signer.email.casefold()
            if key in seen:
                raise ValueError(f"two signers share the e-mail address {signer.email!r}")
            seen.add(key)
    return result


def _prepare_document(index: int, doc: DocumentInput) -> _PreparedDocument:
    if isinstance(doc, bytes):
        filename, data = f"document-{index + 1}.pdf", doc
    elif isinstance(doc, tuple):
        if len(doc) != 2 or not isinstance(doc[0], str) or not isinstance(doc[1], bytes):
            raise ValueError(f"document {index + 1}: a tuple must be (filename, bytes)")
        filename, data = doc
        if not filename.strip():
            raise ValueError(f"document {index + 1}: the filename is empty")
    elif isinstance(doc, (str, os.PathLike)):
        path = Path(doc)
        if not path.is_file():
            raise ValueError(f"document {index + 1}: {str(path)!r} is not a readable file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValueError(f"document {index + 1}: cannot read {str(path)!r}: {exc}") from exc
        filename = path.name
    else:
        raise ValueError(
            f"document {index + 1}: expected a path, bytes or (filename, bytes), "
            f"got {type(doc).__name__}"
        )
    if not data:
        raise ValueError(f"document {index + 1} ({filename}) is empty")
    return _PreparedDocument(filename=filename, data=data)


def _reads_files(documents: object) -> bool:
    """True when ``documents`` names at least one file to read from disk."""
    if isinstance(documents, (str, os.PathLike)):
        return True
    if isinstance(documents, bytes) or not isinstance(documents, Sequence):
        return False
    return any(isinstance(doc, (str, os.PathLike)) for doc in documents)


def _check_documents(
    documents: Sequence[DocumentInput] | DocumentInput,
) -> tuple[_PreparedDocument, ...]:
    if isinstance(documents, (str, bytes, os.PathLike)):
        return _check_documents([documents])
    result = tuple(_prepare_document(i, d) for i, d in enumerate(documents))
    if not result:
        raise ValueError("at least one document is required")
    return result


def _check_fields(
    fields: Sequence[FieldSpec], signers: Sequence[Signer], documents: int
) -> tuple[_PlannedField, ...]:
    planned: list[_PlannedField] = []
    for number, spec in enumerate(fields, start=1):
        if not isinstance(spec, FieldSpec):
            raise ValueError(f"field {number} is not a FieldSpec: {spec!r}")
        if spec.page < 1:
            raise ValueError(f"field {number}: page must be >= 1 (pages are 1-based)")
        if not all(math.isfinite(v) for v in (spec.x, spec.y, spec.width, spec.height)):
            raise ValueError(f"field {number}: x, y, width and height must be finite numbers")
        if spec.x < 0 or spec.y < 0:
            raise ValueError(f"field {number}: x and y must be >= 0 (points from bottom-left)")
        if spec.width < 0.1 or spec.height < 0.1:
            raise ValueError(f"field {number}: width and height must be >= 0.1 points")
        if not 0 <= spec.document < documents:
            raise ValueError(
                f"field {number}: document index {spec.document} is out of range "
                f"({documents} document(s))"
            )
        if spec.type not in ("Signature", "Initials", "Date", "Name", "Text"):
            raise ValueError(f"field {number}: unknown field type {spec.type!r}")
        try:
            signer_index = _resolve_signer(spec.signer, signers)
        except ValueError as exc:
            raise ValueError(f"field {number}: {exc}") from None
        planned.append(
            _PlannedField(
                signer_index,
                spec.document,
                spec.type,
                spec.page,
                spec.x,
                spec.y,
                spec.width,
                spec.height,
            )
        )
    with_fields = {p.signer_index for p in planned}
    for index, signer in enumerate(signers):
        if index not in with_fields:
            raise ValueError(
                f"signer {index + 1} ({signer.name!r}) has no field: every signer needs at "
                "least one (or pass fields=None for one Signature field per signer)"
            )
    return tuple(planned)


def default_field_placements(
    count: int,
    page_width: float,
    page_height: float,
    *,
    width: float = DEFAULT_FIELD_WIDTH,
    height: float = DEFAULT_FIELD_HEIGHT,
) -> list[tuple[float, float, float, float]]:
    """``count`` non-overlapping ``(x, y, width, height)`` boxes inside a page, in points.

    Boxes are stacked upwards from the bottom-left margin, then in further columns; they are
    shrunk when the page is too small to hold them at the requested size.
    """
    if count <= 0:
        return []
    margin = min(_PAGE_MARGIN, page_width / 10, page_height / 10)
    usable_w, usable_h = page_width - 2 * margin, page_height - 2 * margin
    gap = min(_FIELD_GAP, usable_h / (4 * count))
    width = min(width, usable_w)
    rows = max(1, int((usable_h + gap) // (height + gap)))
    columns = max(1, int((usable_w + gap) // (width + gap)))
    if rows * columns < count:
        columns = max(1, min(count, int((usable_w + gap) // (min(width, 60.0) + gap))))
        rows = math.ceil(count / columns)
        width = (usable_w - gap * (columns - 1)) / columns
        height = min(height, (usable_h - gap * (rows - 1)) / rows)
    boxes: list[tuple[float, float, float, float]] = []
    for index in range(count):
        column, row = divmod(index, rows)
        x = margin + column * (width + gap)
        y = margin + row * (height + gap)
        boxes.append((x, y, width, height))
    return boxes


def _plan_default_fields(
    config: SigningConfiguration, document_ids: Sequence[UUID], signer_count: int
) -> tuple[_PlannedField, ...]:
    by_id = {d.id: d for d in config.documents or []}
    planned: list[_PlannedField] = []
    for doc_index, doc_id in enumerate(document_ids):
        doc = by_id.get(doc_id)
        pages = list(doc.pages or []) if doc is not None else []
        if not pages:
            raise EasyInkError(f"getDraft reports no pages for document {doc_id}")
        last = max(pages, key=lambda p: p.page_number)
        boxes = default_field_placements(signer_count, last.width, last.height)
        for signer_index, (x, y, w, h) in enumerate(boxes):
            planned.append(
                _PlannedField(signer_index, doc_index, "Signature", last.page_number, x, y, w, h)
            )
    return tuple(planned)


# -- helpers -----------------------------------------------------------------------------------


def _expect(value: object, kind: type[_T], operation: str) -> _T:
    if not isinstance(value, kind):
        raise EasyInkError(f"{operation} returned an unexpected answer: {type(value).__name__}")
    return value


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


def _is_transient(exc: BaseException) -> bool:
    """Failures the workflow may retry once the state proves the step had no effect."""
    return isinstance(exc, (RateLimitError, APIConnectionError)) and not isinstance(
        exc, OutcomeUnknownError
    )


async def _pause(attempt: int) -> None:
    await anyio.sleep(random.uniform(0.0, min(2.0, 0.1 * 2**attempt)))


_Reconcile = Callable[[], Awaitable[_T | None]]
OnStep = Callable[[str, "UUID | None"], Awaitable[None]]
"""Called with ``(step, draft_id)`` as each step begins (see :func:`send_for_signature`)."""


class _Run:
    """State of one workflow run (ids learnt so far, timings)."""

    def __init__(self, ei: EasyInk, recheck_delay: float, on_step: OnStep | None = None) -> None:
        self.ei = ei
        self.on_step = on_step
        self.client = ei.client
        self.recheck_delay = recheck_delay
        self.draft_id: UUID | None = None
        self.converted = False
        self.timings: dict[str, float] = {}

    @property
    def draft(self) -> UUID:
        assert self.draft_id is not None
        return self.draft_id

    async def read(self, call: Callable[[], Awaitable[_T]]) -> _T:
        """An idempotent call (GET, PUT, a wait) retried a few times on transient failures.

        The client already retried it; this adds a few spaced attempts on top so that one
        unlucky request does not fail the whole workflow.
        """
        for attempt in range(_STEP_ATTEMPTS):
            try:
                with parsed_answer("send_for_signature"):
                    return await call()
            except (RateLimitError, APIConnectionError, InternalServerError):
                if attempt + 1 >= _STEP_ATTEMPTS:
                    raise
                await _pause(attempt)
        raise AssertionError("unreachable")

    async def get_draft(self) -> SigningConfiguration:
        async def call() -> SigningConfiguration:
            result = await get_draft.asyncio(self.draft, client=self.client)
            return _expect(result, SigningConfiguration, "getDraft")

        return await self.read(call)

    async def get_session(self) -> SigningView:
        async def call() -> SigningView:
            result = await get_session.asyncio(self.draft, client=self.client)
            return _expect(result, SigningView, "getSession")

        return await self.read(call)

    async def post(self, send: Callable[[], Awaitable[_T]], reconcile: _Reconcile[_T]) -> _T:
        """Send a POST; after an ambiguous failure reconcile, and repeat only if it had no effect.

        ``reconcile`` reads the state back and returns the result of the earlier attempt when
        it took effect, else ``None`` (optionally after one re-check).
        """
        for attempt in range(_STEP_ATTEMPTS):
            last = attempt + 1 >= _STEP_ATTEMPTS
            try:
                with parsed_answer("send_for_signature"):
                    return await send()
            except OutcomeUnknownError:
                found = await reconcile()
                if found is None and self.recheck_delay > 0:
                    await anyio.sleep(self.recheck_delay)
                    found = await reconcile()
                if found is not None:
                    return found
                if last:
                    raise
                # Proven without effect: sending again cannot duplicate anything.
            except (RateLimitError, APIConnectionError) as exc:
                if last or not _is_transient(exc):
                    raise
            await _pause(attempt)
        raise AssertionError("unreachable")


# -- the steps ---------------------------------------------------------------------------------


async def _search_unclaimed_drafts(
    run: _Run, subject: str, since: datetime, claims: DraftClaims
) -> list[UUID]:
    found: list[UUID] = []
    pages = pagination.search_pages(
        run.client, statuses=["Draft"], sorting=["created:desc"], page_size=100
    )
    async for page in pages:
        older = False
        for item in page.items or []:
            created = item.created
            if created.tzinfo is None:
                created = created.replace(tzinfo=timezone.utc)
            if created < since:
                older = True
                break
            if item.subject == subject and not claims.is_claimed(item.id):
                found.append(item.id)
        if older:
            break
    return found


async def _or_none(call: Callable[[], Awaitable[object]], kind: type[_T], name: str) -> _T | None:
    """The answer of a read, or ``None`` when the object does not exist (404)."""
    try:
        result = await call()
    except NotFoundError:
        return None
    return _expect(result, kind, name)


async def _draft_is_empty(run: _Run, draft_id: UUID) -> bool:
    config = await run.read(
        lambda: _or_none(
            lambda: get_draft.asyncio(draft_id, client=run.client), SigningConfiguration, "getDraft"
        )
    )
    return (
        config is not None
        and not config.is_locked
        and not config.documents
        and not config.participants
        and not config.signature_fields
    )


async def _create_draft(run: _Run, subject: str) -> UUID:
    claims = _claims_for(run.ei)
    since = datetime.now(timezone.utc) - _CREATE_SKEW
    current: list[anyio.Event] = []

    async def send() -> UUID:
        async with claims.creating(subject) as done:
            current[:] = [done]
            result = await create_draft.asyncio(
                client=run.client, body=CreateDraftRequest(subject=subject)
            )
            draft_id = _expect(result, UUID, "createDraft")
            # Claimed before ``done`` is set, so no reconciliation can take this draft.
            claims.claim(draft_id)
            return draft_id

    async def reconcile() -> UUID | None:
        candidates = await run.read(lambda: _search_unclaimed_drafts(run, subject, since, claims))
        # Creations that were in flight during the search claim their own ids first.
        for event in claims.in_flight(subject, exclude=current[0] if current else None):
            await event.wait()
        for draft_id in candidates:
            if claims.is_claimed(draft_id) or not await _draft_is_empty(run, draft_id):
                continue
            if claims.claim(draft_id):
                return draft_id
        # Nothing found (``run.post`` re-checks once after ``recheck_delay``): the creation did
        # not happen, so ``run.post`` may send createDraft again. This is the one place where a
        # POST is repeated, and only after the search proved that the first one had no effect.
        return None

    return await run.post(send, reconcile)


async def _upload(run: _Run, doc: _PreparedDocument, known: set[UUID]) -> UUID:
    async def send() -> UUID:
        body = UploadDraftDocumentBody(
            file_content=File(
                payload=io.BytesIO(doc.data), file_name=doc.filename, mime_type=doc.mime_type
            )
        )
        result = await upload_draft_document.asyncio(run.draft, client=run.client, body=body)
        return _expect(result, UUID, "uploadDraftDocument")

    async def reconcile() -> UUID | None:
        config = await run.get_draft()
        unknown = [d for d in config.documents or [] if d.id not in known]
        titled = [d for d in unknown if d.title in (doc.title, doc.filename)]
        if titled:
            return titled[0].id
        return unknown[0].id if len(unknown) == 1 else None

    return await run.post(send, reconcile)


async def _add_participant(run: _Run, signer: Signer, known: set[UUID]) -> UUID:
    first, last = signer.first_and_last_name
    phone = signer.normalized_phone

    async def send() -> UUID:
        body = AddDraftParticipantRequest(
            first_name=first,
            last_name=last,
            email=signer.email,
            phone=phone,
            delivery_methods=[DeliveryMethod(m) for m in signer.delivery_methods],
            language=Language(signer.language),
        )
        result = await add_draft_participant.asyncio(run.draft, client=run.client, body=body)
        return _expect(result, UUID, "addDraftParticipant")

    async def reconcile() -> UUID | None:
        config = await run.get_draft()
        for participant in config.participants or []:
            if participant.id in known:
                continue
            email = participant.email if isinstance(participant.email, str) else None
            if signer.email:
                if email and email.casefold() == signer.email.casefold():
                    return participant.id
            elif phone and participant.phone == phone:
                return participant.id
        return None

    return await run.post(send, reconcile)


async def _add_field(
    run: _Run, field: _PlannedField, document_id: UUID, participant_id: UUID, known: set[UUID]
) -> UUID:
    field_type = SignatureFieldType(field.type)

    async def send() -> UUID:
        body = AddDraftSignatureFieldRequest(
            participant_id=participant_id,
            document_id=document_id,
            field=SignatureFieldDeclaration(
                type_=field_type,
                placement=ElementPlacement(
                    page=field.page,
                    position_x=field.x,
                    position_y=field.y,
                    size_x=field.width,
                    size_y=field.height,
                ),
                options=SignatureFieldOptions(is_required=True, for_type=field_type),
            ),
        )
        result = await add_draft_signature_field.asyncio(run.draft, client=run.client, body=body)
        return _expect(result, UUID, "addDraftSignatureField")

    async def reconcile() -> UUID | None:
        config = await run.get_draft()
        for existing in config.signature_fields or []:
            placement = existing.placement
            if (
                existing.id not in known
                and existing.document_id == document_id
                and existing.participant_id == participant_id
                and existing.type_ == field_type
                and placement.page == field.page
                and abs(placement.position_x - field.x) < 0.01
                and abs(placement.position_y - field.y) < 0.01
            ):
                return existing.id
        return None

    return await run.post(send, reconcile)


async def _convert(run: _Run) -> None:
    async def send() -> bool:
        await convert_draft.asyncio(run.draft, client=run.client)
        return True

    async def reconcile() -> bool | None:
        return True if (await run.get_draft()).is_locked else None

    await run.post(send, reconcile)


async def _start(run: _Run) -> None:
    async def send() -> bool:
        await start_session.asyncio(run.draft, client=run.client)
        return True

    async def reconcile() -> bool | None:
        status = (await run.get_session()).status.value
        return True if status not in ("Draft", "ReadyToStart") else None

    await run.post(send, reconcile)


@_telemetry.instrumented("cleanup")
async def _cleanup(run: _Run, step: str) -> str:
    """Delete (or, once converted, void) the draft; return what happened."""
    for attempt in range(_CLEANUP_ATTEMPTS):
        try:
            if not run.converted:
                config = await run.get_draft()
                run.converted = config.is_locked
            if run.converted:
                view = await run.get_session()
                if view.status.value in ("Voided",):
                    return "voided"
                await void_session.asyncio(
                    run.draft,
                    client=run.client,
                    body=_void_body(f"Sending failed at step '{step}'"),
                )
                return "voided"
            await delete_draft.asyncio(run.draft, client=run.client)
            return "deleted"
        except NotFoundError:
            return "deleted"
        except EasyInkError:
            if attempt + 1 >= _CLEANUP_ATTEMPTS:
                return "failed"
            await _pause(attempt + 1)
    return "failed"


def _void_body(reason: str) -> VoidSessionRequest:
    return VoidSessionRequest(reason=reason)


# -- the workflow ------------------------------------------------------------------------------


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


@_telemetry.instrumented("workflow")
async def send_for_signature(
    ei: EasyInk,
    *,
    documents: Sequence[DocumentInput] | DocumentInput,
    signers: Sequence[Signer],
    subject: str,
    fields: Sequence[FieldSpec] | None = None,
    sequential: bool = False,
    reminder: ReminderName | None = None,
    keep_draft_on_failure: bool = False,
    processing_timeout: float = 120.0,
    recheck_delay: float = 0.25,
    on_step: OnStep | None = None,
) -> SentSession:
    """Create, configure, convert and start a signing session; return every id.

    ``documents``: paths, bytes or ``(filename, bytes)``; ``signers``: :class:`Signer` list;
    ``fields``: explicit :class:`FieldSpec` list (default: one Signature field per signer on the
    last page of each document); ``sequential``: one-by-one signing in ``signers`` order;
    ``reminder``: ``"Never"``, ``"Daily"`` or ``"Weekly"``; ``processing_timeout``: seconds to
    wait for uploaded documents to be processed; ``recheck_delay``: seconds before re-reading
    the state once when an ambiguous failure left no trace; ``on_step(step, draft_id)`` is
    awaited as each step begins, before its first request (``draft_id`` is ``None`` until the
    draft exists): a batch ledger records progress with it, and an exception it raises fails
    the workflow at that step like any other.

    Raises :class:`ValueError` for bad inputs (before any request) and :class:`WorkflowError`
    when a step fails (see the module docstring).
    """
    if not isinstance(subject, str) or not subject.strip():
        raise ValueError("subject must be a non-empty string")
    if len(subject) > 500:
        raise ValueError("subject must be at most 500 characters")
    if has_control(subject):
        raise ValueError("subject must not hold control characters (NUL, ESC, ...)")
    if reminder is not None and reminder not in ("Never", "Daily", "Weekly"):
        raise ValueError("reminder must be Never, Daily or Weekly")
    if processing_timeout <= 0:
        raise ValueError("processing_timeout must be > 0")
    checked_signers = _check_signers(signers)
    if _reads_files(documents):
        # Reading files is blocking I/O: keep it off the event loop other tasks share.
        docs = await anyio.to_thread.run_sync(_check_documents, documents)
    else:
        docs = _check_documents(documents)
    planned = None if fields is None else _check_fields(fields, checked_signers, len(docs))

    run = _Run(ei, recheck_delay, on_step)
    step = STEPS[0]
    try:
        async with _timed(run, step):
            run.draft_id = await _create_draft(run, subject)
        if reminder is not None:
            step = "update draft"
            async with _timed(run, step):
                body = UpdateDraftRequest(
                    subject=subject, reminder_frequency=ReminderFrequency(reminder)
                )
                await run.read(
                    lambda: update_draft.asyncio(run.draft, client=run.client, body=body)
                )
        step = "upload documents"
        document_ids: list[UUID] = []
        async with _timed(run, step):
            for doc in docs:
                document_ids.append(await _upload(run, doc, set(document_ids)))
            _require_distinct(document_ids, "document", "uploadDraftDocument")
        step = "wait for processing"
        async with _timed(run, step):
            from .waiters import wait_for_documents_processed

            config = await run.read(
                lambda: wait_for_documents_processed(ei, run.draft, timeout=processing_timeout)
            )
            _require_processed(config, document_ids)
        step = "add participants"
        participant_ids: list[UUID] = []
        async with _timed(run, step):
            for signer in checked_signers:
                participant_ids.append(await _add_participant(run, signer, set(participant_ids)))
            _require_distinct(participant_ids, "participant", "addDraftParticipant")
        step = "place fields"
        field_ids: list[UUID] = []
        async with _timed(run, step):
            if planned is None:
                planned = _plan_default_fields(config, document_ids, len(checked_signers))
            for field in planned:
                field_ids.append(
                    await _add_field(
                        run,
                        field,
                        document_ids[field.document_index],
                        participant_ids[field.signer_index],
                        set(field_ids),
                    )
                )
            _require_distinct(field_ids, "signature field", "addDraftSignatureField")
        if sequential and len(participant_ids) > 1:
            step = "set signing order"
            async with _timed(run, step):
                order = OneByOneSigningOrderRequest(participants_order=list(participant_ids))
                await run.read(
                    lambda: set_one_by_one_signing_order.asyncio(
                        run.draft, client=run.client, body=order
                    )
                )
        step = "convert"
        async with _timed(run, step):
            await _convert(run)
            run.converted = True
        step = "start"
        async with _timed(run, step):
            await _start(run)
    except Exception as exc:
        raise await _fail(run, step, exc, keep_draft_on_failure) from exc
    except BaseException:
        # Cancelled: remove the draft anyway (shielded, bounded), then let cancellation go on.
        if run.draft_id is not None and not keep_draft_on_failure:
            with anyio.CancelScope(shield=True), anyio.move_on_after(15):
                await _cleanup(run, step)
        raise
    return SentSession(
        session_id=run.draft,
        subject=subject,
        signers=checked_signers,
        document_ids=tuple(document_ids),
        participant_ids=tuple(participant_ids),
        field_ids=tuple(field_ids),
        timings=dict(run.timings),
    )


async def _fail(run: _Run, step: str, exc: Exception, keep: bool) -> WorkflowError:
    if run.draft_id is None:
        cleanup = "none"
    elif keep:
        cleanup = "kept"
    else:
        cleanup = await _cleanup(run, step)
    return WorkflowError(step, run.draft_id, exc, cleanup)
