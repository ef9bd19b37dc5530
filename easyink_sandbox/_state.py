"""In-memory state: signing sessions (a draft is a session in ``Draft`` status) and their parts."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime

import attrs

from ._downloads import Blob

ACTIVE_STATUSES = ("Pending", "InProgress")
SESSION_STATUS_ORDER = (
    "Draft",
    "ReadyToStart",
    "Pending",
    "InProgress",
    "Finished",
    "Declined",
    "Voided",
    "Expired",
)


def new_id() -> str:
    """A fresh UUID string."""
    return str(uuid.uuid4())


@functools.lru_cache(maxsize=1024)
def user_uuid(user: str) -> str:
    """The stable UUID the sandbox gives a user name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"easyink-sandbox:user:{user}"))


def user_email(user: str) -> str:
    """The e-mail address of a sandbox user (the name itself when it is an address)."""
    return user if "@" in user else f"{user}@sandbox.easyink.example"


ORGANIZATION_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "easyink-sandbox:organization"))
SETTINGS_SET_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "easyink-sandbox:settings"))


@attrs.define
class Placement:
    """Where a field sits: 1-based page, bottom-left corner and size, in points."""

    page: int
    x: float
    y: float
    width: float
    height: float


@attrs.define
class Document:
    """A document for signing (or an attachment) with the PDF kept for it."""

    id: str
    title: str
    filename: str
    blob: Blob
    pages: list[tuple[float, float]]
    uploaded_at: float
    blob_id: str = attrs.Factory(new_id)
    stampable: bool = True


@attrs.define
class Participant:
    """A participant of a session."""

    id: str
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    delivery_methods: list[str]
    language: str = "English"
    role: str = "Signer"
    user_id: str | None = None
    status: str = "Pending"
    signed_at: datetime | None = None
    link_version: int = 0
    link_opened: bool = False

    @property
    def display_name(self) -> str:
        """First, middle and last name joined (or the e-mail, or the id)."""
        parts = [p for p in (self.first_name, self.middle_name, self.last_name) if p]
        return " ".join(parts) or self.email or self.id


@attrs.define
class SignatureField:
    """A field a participant fills on a document."""

    id: str
    participant_id: str | None
    document_id: str
    type: str
    placement: Placement
    is_required: bool
    for_type: str
    depends_on: str | None


@attrs.define
class SignedDocument:
    """The signed copy of one document for one participant."""

    id: str
    participant_id: str
    document_id: str
    title: str
    blob: Blob | None = None


@attrs.define
class Event:
    """One audit-trail entry."""

    at: datetime
    text: str


@attrs.define
class Session:
    """A signing session; while ``status == "Draft"`` it is a draft that can be configured."""

    id: str
    owner: str
    created: datetime
    subject: str | None
    status: str = "Draft"
    reminder_frequency: str | None = None
    timestamp_format: str = "Usa"
    is_void_disabled: bool = False
    is_session_copy_disabled: bool = False
    has_notification_errors: bool = False
    documents: dict[str, Document] = attrs.Factory(dict)
    attachments: dict[str, Document] = attrs.Factory(dict)
    participants: dict[str, Participant] = attrs.Factory(dict)
    fields: dict[str, SignatureField] = attrs.Factory(dict)
    order_type: str = "AllAtOnce"
    order: list[str] | None = None
    signed_documents: dict[str, SignedDocument] = attrs.Factory(dict)
    all_in_one: Blob | None = None
    events: list[Event] = attrs.Factory(list)
    void_reason: str | None = None

    @property
    def is_locked(self) -> bool:
        """A draft is locked once it has been converted."""
        return self.status != "Draft"

    @property
    def signers(self) -> list[Participant]:
        """Participants who sign."""
        return [p for p in self.participants.values() if p.role == "Signer"]
