from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signed_document_status import SignedDocumentStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignedDocument")


@_attrs_define
class SignedDocument:
    """A participant's own copy of a document with their signatures applied.

    Attributes:
        signed_document_id (UUID):
        participant_id (None | Unset | UUID):
        title (None | str | Unset):
        processing_status (SignedDocumentStatus | Unset):
    """

    signed_document_id: UUID
    participant_id: None | Unset | UUID = UNSET
    title: None | str | Unset = UNSET
    processing_status: SignedDocumentStatus | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        signed_document_id = str(self.signed_document_id)

        participant_id: None | str | Unset
        if isinstance(self.participant_id, Unset):
            participant_id = UNSET
        elif isinstance(self.participant_id, UUID):
            participant_id = str(self.participant_id)
        else:
            participant_id = self.participant_id

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        processing_status: str | Unset = UNSET
        if not isinstance(self.processing_status, Unset):
            processing_status = self.processing_status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "signedDocumentId": signed_document_id,
            }
        )
        if participant_id is not UNSET:
            field_dict["participantId"] = participant_id
        if title is not UNSET:
            field_dict["title"] = title
        if processing_status is not UNSET:
            field_dict["processingStatus"] = processing_status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        signed_document_id = UUID(d.pop("signedDocumentId"))

        def _parse_participant_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                participant_id_type_0 = UUID(data)

                return participant_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"participantId: expected None | Unset | UUID, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        participant_id = _parse_participant_id(d.pop("participantId", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"title: expected None | str | Unset, got {type(data).__name__}")

        title = _parse_title(d.pop("title", UNSET))

        _processing_status = d.pop("processingStatus", UNSET)
        processing_status: SignedDocumentStatus | Unset
        if isinstance(_processing_status, Unset):
            processing_status = UNSET
        else:
            processing_status = SignedDocumentStatus(_processing_status)

        signed_document = cls(
            signed_document_id=signed_document_id,
            participant_id=participant_id,
            title=title,
            processing_status=processing_status,
        )

        signed_document.additional_properties = d
        return signed_document

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
