"""The workflow's inputs: :class:`Signer`, :class:`FieldSpec`, documents, and their checks."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Union

import attrs

from .._contact import EMAIL, is_phone, normalize_phone
from .._control import has_control
from .._resource import mime_type

DEFAULT_FIELD_WIDTH = 180.0
DEFAULT_FIELD_HEIGHT = 40.0

DeliveryName = Literal["Email", "Sms"]
FieldTypeName = Literal["Signature", "Initials", "Date", "Name", "Text"]
ReminderName = Literal["Never", "Daily", "Weekly"]
DocumentInput = Union[str, "os.PathLike[str]", bytes, tuple[str, bytes]]
"""A document: a file path, raw bytes, or ``(filename, bytes)``."""


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
        return None if self.phone is None else normalize_phone(self.phone)

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
        return mime_type(self.filename)


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
    if signer.email is not None and (len(signer.email) > 256 or not EMAIL.match(signer.email)):
        raise ValueError(f"{where}: {signer.email!r} is not a valid e-mail address")
    phone = signer.normalized_phone
    if phone is not None and not is_phone(phone):
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
        raise ValueError(f"document {index + 1} ({filename!r}) is empty")
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
