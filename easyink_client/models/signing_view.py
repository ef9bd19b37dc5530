from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.session_status import SessionStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.all_in_one_document import AllInOneDocument
    from ..models.signed_document import SignedDocument
    from ..models.signing_view_attachment import SigningViewAttachment
    from ..models.signing_view_document import SigningViewDocument
    from ..models.signing_view_participant import SigningViewParticipant


T = TypeVar("T", bound="SigningView")


@_attrs_define
class SigningView:
    """An active or completed signing session.

    Attributes:
        signing_session_id (UUID): Unique identifier of the signing session
        status (SessionStatus): Lifecycle status: Draft (being configured), ReadyToStart (converted), Pending (started,
            nobody
            signed yet), InProgress (some signed), Finished, Declined, Voided, Expired.
        bulk_session_id (None | Unset | UUID): Parent bulk session, null for regular sessions
        subject (None | str | Unset): Subject/title of the signing session
        can_be_voided (bool | Unset): Whether the current user may void this session
        can_be_copied (bool | Unset): Whether the current user may duplicate this session
        documents (list[SigningViewDocument] | None | Unset): Primary documents that participants sign
        participants (list[SigningViewParticipant] | None | Unset): All participants in the session with their current
            signing status
        signed_documents (list[SignedDocument] | None | Unset): Individual signed copies generated for each participant
            after they complete signing,
            each with that participant's signatures applied.
        attachments (list[SigningViewAttachment] | None | Unset): Reference/supporting documents attached to the session
        all_in_one_document (AllInOneDocument | None | Unset):
    """

    signing_session_id: UUID
    status: SessionStatus
    bulk_session_id: None | Unset | UUID = UNSET
    subject: None | str | Unset = UNSET
    can_be_voided: bool | Unset = UNSET
    can_be_copied: bool | Unset = UNSET
    documents: list[SigningViewDocument] | None | Unset = UNSET
    participants: list[SigningViewParticipant] | None | Unset = UNSET
    signed_documents: list[SignedDocument] | None | Unset = UNSET
    attachments: list[SigningViewAttachment] | None | Unset = UNSET
    all_in_one_document: AllInOneDocument | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.all_in_one_document import AllInOneDocument  # noqa: PLC0415

        signing_session_id = str(self.signing_session_id)

        status = self.status.value

        bulk_session_id: None | str | Unset
        if isinstance(self.bulk_session_id, Unset):
            bulk_session_id = UNSET
        elif isinstance(self.bulk_session_id, UUID):
            bulk_session_id = str(self.bulk_session_id)
        else:
            bulk_session_id = self.bulk_session_id

        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject

        can_be_voided = self.can_be_voided

        can_be_copied = self.can_be_copied

        documents: list[dict[str, Any]] | None | Unset
        if isinstance(self.documents, Unset):
            documents = UNSET
        elif isinstance(self.documents, list):
            documents = []
            for documents_type_0_item_data in self.documents:
                documents_type_0_item = documents_type_0_item_data.to_dict()
                documents.append(documents_type_0_item)

        else:
            documents = self.documents

        participants: list[dict[str, Any]] | None | Unset
        if isinstance(self.participants, Unset):
            participants = UNSET
        elif isinstance(self.participants, list):
            participants = []
            for participants_type_0_item_data in self.participants:
                participants_type_0_item = participants_type_0_item_data.to_dict()
                participants.append(participants_type_0_item)

        else:
            participants = self.participants

        signed_documents: list[dict[str, Any]] | None | Unset
        if isinstance(self.signed_documents, Unset):
            signed_documents = UNSET
        elif isinstance(self.signed_documents, list):
            signed_documents = []
            for signed_documents_type_0_item_data in self.signed_documents:
                signed_documents_type_0_item = signed_documents_type_0_item_data.to_dict()
                signed_documents.append(signed_documents_type_0_item)

        else:
            signed_documents = self.signed_documents

        attachments: list[dict[str, Any]] | None | Unset
        if isinstance(self.attachments, Unset):
            attachments = UNSET
        elif isinstance(self.attachments, list):
            attachments = []
            for attachments_type_0_item_data in self.attachments:
                attachments_type_0_item = attachments_type_0_item_data.to_dict()
                attachments.append(attachments_type_0_item)

        else:
            attachments = self.attachments

        all_in_one_document: dict[str, Any] | None | Unset
        if isinstance(self.all_in_one_document, Unset):
            all_in_one_document = UNSET
        elif isinstance(self.all_in_one_document, AllInOneDocument):
            all_in_one_document = self.all_in_one_document.to_dict()
        else:
            all_in_one_document = self.all_in_one_document

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "signingSessionId": signing_session_id,
                "status": status,
            }
        )
        if bulk_session_id is not UNSET:
            field_dict["bulkSessionId"] = bulk_session_id
        if subject is not UNSET:
            field_dict["subject"] = subject
        if can_be_voided is not UNSET:
            field_dict["canBeVoided"] = can_be_voided
        if can_be_copied is not UNSET:
            field_dict["canBeCopied"] = can_be_copied
        if documents is not UNSET:
            field_dict["documents"] = documents
        if participants is not UNSET:
            field_dict["participants"] = participants
        if signed_documents is not UNSET:
            field_dict["signedDocuments"] = signed_documents
        if attachments is not UNSET:
            field_dict["attachments"] = attachments
        if all_in_one_document is not UNSET:
            field_dict["allInOneDocument"] = all_in_one_document

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.all_in_one_document import AllInOneDocument  # noqa: PLC0415
        from ..models.signed_document import SignedDocument  # noqa: PLC0415
        from ..models.signing_view_attachment import SigningViewAttachment  # noqa: PLC0415
        from ..models.signing_view_document import SigningViewDocument  # noqa: PLC0415
        from ..models.signing_view_participant import SigningViewParticipant  # noqa: PLC0415

        d = dict(src_dict)
        signing_session_id = UUID(d.pop("signingSessionId"))

        status = SessionStatus(d.pop("status"))

        def _parse_bulk_session_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                bulk_session_id_type_0 = UUID(data)

                return bulk_session_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"bulkSessionId: expected None | Unset | UUID, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        bulk_session_id = _parse_bulk_session_id(d.pop("bulkSessionId", UNSET))

        def _parse_subject(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"subject: expected None | str | Unset, got {type(data).__name__}")

        subject = _parse_subject(d.pop("subject", UNSET))

        can_be_voided = d.pop("canBeVoided", UNSET)

        can_be_copied = d.pop("canBeCopied", UNSET)

        def _parse_documents(data: object) -> list[SigningViewDocument] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                documents_type_0 = []
                _documents_type_0 = data
                for documents_type_0_item_data in _documents_type_0:
                    documents_type_0_item = SigningViewDocument.from_dict(documents_type_0_item_data)

                    documents_type_0.append(documents_type_0_item)

                return documents_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"documents: expected list[SigningViewDocument] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        documents = _parse_documents(d.pop("documents", UNSET))

        def _parse_participants(data: object) -> list[SigningViewParticipant] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                participants_type_0 = []
                _participants_type_0 = data
                for participants_type_0_item_data in _participants_type_0:
                    participants_type_0_item = SigningViewParticipant.from_dict(participants_type_0_item_data)

                    participants_type_0.append(participants_type_0_item)

                return participants_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"participants: expected list[SigningViewParticipant] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        participants = _parse_participants(d.pop("participants", UNSET))

        def _parse_signed_documents(data: object) -> list[SignedDocument] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                signed_documents_type_0 = []
                _signed_documents_type_0 = data
                for signed_documents_type_0_item_data in _signed_documents_type_0:
                    signed_documents_type_0_item = SignedDocument.from_dict(signed_documents_type_0_item_data)

                    signed_documents_type_0.append(signed_documents_type_0_item)

                return signed_documents_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"signedDocuments: expected list[SignedDocument] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        signed_documents = _parse_signed_documents(d.pop("signedDocuments", UNSET))

        def _parse_attachments(data: object) -> list[SigningViewAttachment] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                attachments_type_0 = []
                _attachments_type_0 = data
                for attachments_type_0_item_data in _attachments_type_0:
                    attachments_type_0_item = SigningViewAttachment.from_dict(attachments_type_0_item_data)

                    attachments_type_0.append(attachments_type_0_item)

                return attachments_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"attachments: expected list[SigningViewAttachment] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        attachments = _parse_attachments(d.pop("attachments", UNSET))

        def _parse_all_in_one_document(data: object) -> AllInOneDocument | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                all_in_one_document_type_0 = AllInOneDocument.from_dict(data)

                return all_in_one_document_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"allInOneDocument: expected AllInOneDocument | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        all_in_one_document = _parse_all_in_one_document(d.pop("allInOneDocument", UNSET))

        signing_view = cls(
            signing_session_id=signing_session_id,
            status=status,
            bulk_session_id=bulk_session_id,
            subject=subject,
            can_be_voided=can_be_voided,
            can_be_copied=can_be_copied,
            documents=documents,
            participants=participants,
            signed_documents=signed_documents,
            attachments=attachments,
            all_in_one_document=all_in_one_document,
        )

        signing_view.additional_properties = d
        return signing_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
