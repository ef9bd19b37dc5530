"""What :func:`send_for_signature` returns (:class:`SentSession`) or raises."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

import attrs

from ..errors import EasyInkError
from ._inputs import Signer, _resolve_signer

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
    draft: ``"deleted"``, ``"voided"``, ``"started"`` (``startSession`` was sent, or the session
    turned out started: it is left alone), ``"kept"``, ``"failed"`` (it could not be removed)
    or ``"none"`` (no draft existed).
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
