from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reminder_frequency import ReminderFrequency
from ..models.timestamp_format import TimestampFormat
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bulk_participant import BulkParticipant
    from ..models.page_label import PageLabel
    from ..models.signature_field import SignatureField
    from ..models.signing_configuration_attachment import SigningConfigurationAttachment
    from ..models.signing_configuration_document import SigningConfigurationDocument
    from ..models.signing_configuration_participant import SigningConfigurationParticipant
    from ..models.signing_order_settings import SigningOrderSettings


T = TypeVar("T", bound="SigningConfiguration")


@_attrs_define
class SigningConfiguration:
    """Complete configuration of a signing session draft.

    Attributes:
        signing_session_id (UUID): Unique identifier of the signing session draft
        is_locked (bool): Whether the draft is locked from modifications
        organization_id (UUID | Unset): Organization the session belongs to
        settings_set_id (UUID | Unset): Settings template applied to the session (branding, policies)
        initiator_user_id (UUID | Unset): ID of the user who created this draft
        timestamp_format (TimestampFormat | Unset): Format of dates and times in the session.
        is_bulk_session (bool | Unset): Bulk session (use bulkParticipants) or regular (use participants)
        is_void_disabled (bool | Unset): Void disabled by organization policy
        is_session_copy_disabled (bool | Unset): Copies/duplicates disabled by organization policy
        is_valid_bulk_participant (bool | None | Unset): Validation status of bulk participants; null when not a bulk
            session
        subject (None | str | Unset): Subject/title shown to participants in notifications and UI
        documents (list[SigningConfigurationDocument] | None | Unset): Primary documents that participants will sign
        attachments (list[SigningConfigurationAttachment] | None | Unset): Reference/supporting documents that
            participants can view but not sign
        participants (list[SigningConfigurationParticipant] | None | Unset): Participants for regular signing sessions
            (ignored if isBulkSession = true)
        bulk_participants (list[BulkParticipant] | None | Unset): Participants for bulk signing sessions (only used if
            isBulkSession = true)
        signature_fields (list[SignatureField] | None | Unset): Interactive fields where participants provide
            signatures, dates, initials, etc.
        page_labels (list[PageLabel] | None | Unset): Auto-generated labels showing metadata like session IDs or
            timestamps on signed documents
        reminder_frequency (None | ReminderFrequency | Unset):
        signing_order_settings (SigningOrderSettings | Unset): The order in which participants receive and complete
            signing.
    """

    signing_session_id: UUID
    is_locked: bool
    organization_id: UUID | Unset = UNSET
    settings_set_id: UUID | Unset = UNSET
    initiator_user_id: UUID | Unset = UNSET
    timestamp_format: TimestampFormat | Unset = UNSET
    is_bulk_session: bool | Unset = UNSET
    is_void_disabled: bool | Unset = UNSET
    is_session_copy_disabled: bool | Unset = UNSET
    is_valid_bulk_participant: bool | None | Unset = UNSET
    subject: None | str | Unset = UNSET
    documents: list[SigningConfigurationDocument] | None | Unset = UNSET
    attachments: list[SigningConfigurationAttachment] | None | Unset = UNSET
    participants: list[SigningConfigurationParticipant] | None | Unset = UNSET
    bulk_participants: list[BulkParticipant] | None | Unset = UNSET
    signature_fields: list[SignatureField] | None | Unset = UNSET
    page_labels: list[PageLabel] | None | Unset = UNSET
    reminder_frequency: None | ReminderFrequency | Unset = UNSET
    signing_order_settings: SigningOrderSettings | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        signing_session_id = str(self.signing_session_id)

        is_locked = self.is_locked

        organization_id: str | Unset = UNSET
        if not isinstance(self.organization_id, Unset):
            organization_id = str(self.organization_id)

        settings_set_id: str | Unset = UNSET
        if not isinstance(self.settings_set_id, Unset):
            settings_set_id = str(self.settings_set_id)

        initiator_user_id: str | Unset = UNSET
        if not isinstance(self.initiator_user_id, Unset):
            initiator_user_id = str(self.initiator_user_id)

        timestamp_format: str | Unset = UNSET
        if not isinstance(self.timestamp_format, Unset):
            timestamp_format = self.timestamp_format.value

        is_bulk_session = self.is_bulk_session

        is_void_disabled = self.is_void_disabled

        is_session_copy_disabled = self.is_session_copy_disabled

        is_valid_bulk_participant: bool | None | Unset
        if isinstance(self.is_valid_bulk_participant, Unset):
            is_valid_bulk_participant = UNSET
        else:
            is_valid_bulk_participant = self.is_valid_bulk_participant

        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject

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

        bulk_participants: list[dict[str, Any]] | None | Unset
        if isinstance(self.bulk_participants, Unset):
            bulk_participants = UNSET
        elif isinstance(self.bulk_participants, list):
            bulk_participants = []
            for bulk_participants_type_0_item_data in self.bulk_participants:
                bulk_participants_type_0_item = bulk_participants_type_0_item_data.to_dict()
                bulk_participants.append(bulk_participants_type_0_item)

        else:
            bulk_participants = self.bulk_participants

        signature_fields: list[dict[str, Any]] | None | Unset
        if isinstance(self.signature_fields, Unset):
            signature_fields = UNSET
        elif isinstance(self.signature_fields, list):
            signature_fields = []
            for signature_fields_type_0_item_data in self.signature_fields:
                signature_fields_type_0_item = signature_fields_type_0_item_data.to_dict()
                signature_fields.append(signature_fields_type_0_item)

        else:
            signature_fields = self.signature_fields

        page_labels: list[dict[str, Any]] | None | Unset
        if isinstance(self.page_labels, Unset):
            page_labels = UNSET
        elif isinstance(self.page_labels, list):
            page_labels = []
            for page_labels_type_0_item_data in self.page_labels:
                page_labels_type_0_item = page_labels_type_0_item_data.to_dict()
                page_labels.append(page_labels_type_0_item)

        else:
            page_labels = self.page_labels

        reminder_frequency: None | str | Unset
        if isinstance(self.reminder_frequency, Unset):
            reminder_frequency = UNSET
        elif isinstance(self.reminder_frequency, ReminderFrequency):
            reminder_frequency = self.reminder_frequency.value
        else:
            reminder_frequency = self.reminder_frequency

        signing_order_settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.signing_order_settings, Unset):
            signing_order_settings = self.signing_order_settings.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "signingSessionId": signing_session_id,
                "isLocked": is_locked,
            }
        )
        if organization_id is not UNSET:
            field_dict["organizationId"] = organization_id
        if settings_set_id is not UNSET:
            field_dict["settingsSetId"] = settings_set_id
        if initiator_user_id is not UNSET:
            field_dict["initiatorUserId"] = initiator_user_id
        if timestamp_format is not UNSET:
            field_dict["timestampFormat"] = timestamp_format
        if is_bulk_session is not UNSET:
            field_dict["isBulkSession"] = is_bulk_session
        if is_void_disabled is not UNSET:
            field_dict["isVoidDisabled"] = is_void_disabled
        if is_session_copy_disabled is not UNSET:
            field_dict["isSessionCopyDisabled"] = is_session_copy_disabled
        if is_valid_bulk_participant is not UNSET:
            field_dict["isValidBulkParticipant"] = is_valid_bulk_participant
        if subject is not UNSET:
            field_dict["subject"] = subject
        if documents is not UNSET:
            field_dict["documents"] = documents
        if attachments is not UNSET:
            field_dict["attachments"] = attachments
        if participants is not UNSET:
            field_dict["participants"] = participants
        if bulk_participants is not UNSET:
            field_dict["bulkParticipants"] = bulk_participants
        if signature_fields is not UNSET:
            field_dict["signatureFields"] = signature_fields
        if page_labels is not UNSET:
            field_dict["pageLabels"] = page_labels
        if reminder_frequency is not UNSET:
            field_dict["reminderFrequency"] = reminder_frequency
        if signing_order_settings is not UNSET:
            field_dict["signingOrderSettings"] = signing_order_settings

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_participant import BulkParticipant  # noqa: PLC0415
        from ..models.page_label import PageLabel  # noqa: PLC0415
        from ..models.signature_field import SignatureField  # noqa: PLC0415
        from ..models.signing_configuration_attachment import SigningConfigurationAttachment  # noqa: PLC0415
        from ..models.signing_configuration_document import SigningConfigurationDocument  # noqa: PLC0415
        from ..models.signing_configuration_participant import SigningConfigurationParticipant  # noqa: PLC0415
        from ..models.signing_order_settings import SigningOrderSettings  # noqa: PLC0415

        d = dict(src_dict)
        signing_session_id = UUID(d.pop("signingSessionId"))

        is_locked = d.pop("isLocked")

        _organization_id = d.pop("organizationId", UNSET)
        organization_id: UUID | Unset
        if isinstance(_organization_id, Unset):
            organization_id = UNSET
        else:
            organization_id = UUID(_organization_id)

        _settings_set_id = d.pop("settingsSetId", UNSET)
        settings_set_id: UUID | Unset
        if isinstance(_settings_set_id, Unset):
            settings_set_id = UNSET
        else:
            settings_set_id = UUID(_settings_set_id)

        _initiator_user_id = d.pop("initiatorUserId", UNSET)
        initiator_user_id: UUID | Unset
        if isinstance(_initiator_user_id, Unset):
            initiator_user_id = UNSET
        else:
            initiator_user_id = UUID(_initiator_user_id)

        _timestamp_format = d.pop("timestampFormat", UNSET)
        timestamp_format: TimestampFormat | Unset
        if isinstance(_timestamp_format, Unset):
            timestamp_format = UNSET
        else:
            timestamp_format = TimestampFormat(_timestamp_format)

        is_bulk_session = d.pop("isBulkSession", UNSET)

        is_void_disabled = d.pop("isVoidDisabled", UNSET)

        is_session_copy_disabled = d.pop("isSessionCopyDisabled", UNSET)

        def _parse_is_valid_bulk_participant(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, bool):
                return cast(bool | None | Unset, data)
            raise ValueError(f"isValidBulkParticipant: expected bool | None | Unset, got {type(data).__name__}")

        is_valid_bulk_participant = _parse_is_valid_bulk_participant(d.pop("isValidBulkParticipant", UNSET))

        def _parse_subject(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"subject: expected None | str | Unset, got {type(data).__name__}")

        subject = _parse_subject(d.pop("subject", UNSET))

        def _parse_documents(data: object) -> list[SigningConfigurationDocument] | None | Unset:
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
                    documents_type_0_item = SigningConfigurationDocument.from_dict(documents_type_0_item_data)

                    documents_type_0.append(documents_type_0_item)

                return documents_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"documents: expected list[SigningConfigurationDocument] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        documents = _parse_documents(d.pop("documents", UNSET))

        def _parse_attachments(data: object) -> list[SigningConfigurationAttachment] | None | Unset:
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
                    attachments_type_0_item = SigningConfigurationAttachment.from_dict(attachments_type_0_item_data)

                    attachments_type_0.append(attachments_type_0_item)

                return attachments_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"attachments: expected list[SigningConfigurationAttachment] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        attachments = _parse_attachments(d.pop("attachments", UNSET))

        def _parse_participants(data: object) -> list[SigningConfigurationParticipant] | None | Unset:
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
                    participants_type_0_item = SigningConfigurationParticipant.from_dict(participants_type_0_item_data)

                    participants_type_0.append(participants_type_0_item)

                return participants_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"participants: expected list[SigningConfigurationParticipant] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        participants = _parse_participants(d.pop("participants", UNSET))

        def _parse_bulk_participants(data: object) -> list[BulkParticipant] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                bulk_participants_type_0 = []
                _bulk_participants_type_0 = data
                for bulk_participants_type_0_item_data in _bulk_participants_type_0:
                    bulk_participants_type_0_item = BulkParticipant.from_dict(bulk_participants_type_0_item_data)

                    bulk_participants_type_0.append(bulk_participants_type_0_item)

                return bulk_participants_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"bulkParticipants: expected list[BulkParticipant] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        bulk_participants = _parse_bulk_participants(d.pop("bulkParticipants", UNSET))

        def _parse_signature_fields(data: object) -> list[SignatureField] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                signature_fields_type_0 = []
                _signature_fields_type_0 = data
                for signature_fields_type_0_item_data in _signature_fields_type_0:
                    signature_fields_type_0_item = SignatureField.from_dict(signature_fields_type_0_item_data)

                    signature_fields_type_0.append(signature_fields_type_0_item)

                return signature_fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"signatureFields: expected list[SignatureField] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        signature_fields = _parse_signature_fields(d.pop("signatureFields", UNSET))

        def _parse_page_labels(data: object) -> list[PageLabel] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                page_labels_type_0 = []
                _page_labels_type_0 = data
                for page_labels_type_0_item_data in _page_labels_type_0:
                    page_labels_type_0_item = PageLabel.from_dict(page_labels_type_0_item_data)

                    page_labels_type_0.append(page_labels_type_0_item)

                return page_labels_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"pageLabels: expected list[PageLabel] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        page_labels = _parse_page_labels(d.pop("pageLabels", UNSET))

        def _parse_reminder_frequency(data: object) -> None | ReminderFrequency | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reminder_frequency_type_0 = ReminderFrequency(data)

                return reminder_frequency_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"reminderFrequency: expected None | ReminderFrequency | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        reminder_frequency = _parse_reminder_frequency(d.pop("reminderFrequency", UNSET))

        _signing_order_settings = d.pop("signingOrderSettings", UNSET)
        signing_order_settings: SigningOrderSettings | Unset
        if isinstance(_signing_order_settings, Unset):
            signing_order_settings = UNSET
        else:
            signing_order_settings = SigningOrderSettings.from_dict(_signing_order_settings)

        signing_configuration = cls(
            signing_session_id=signing_session_id,
            is_locked=is_locked,
            organization_id=organization_id,
            settings_set_id=settings_set_id,
            initiator_user_id=initiator_user_id,
            timestamp_format=timestamp_format,
            is_bulk_session=is_bulk_session,
            is_void_disabled=is_void_disabled,
            is_session_copy_disabled=is_session_copy_disabled,
            is_valid_bulk_participant=is_valid_bulk_participant,
            subject=subject,
            documents=documents,
            attachments=attachments,
            participants=participants,
            bulk_participants=bulk_participants,
            signature_fields=signature_fields,
            page_labels=page_labels,
            reminder_frequency=reminder_frequency,
            signing_order_settings=signing_order_settings,
        )

        signing_configuration.additional_properties = d
        return signing_configuration

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
