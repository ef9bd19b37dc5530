from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.signature_field_declaration import SignatureFieldDeclaration


T = TypeVar("T", bound="AddDraftSignatureFieldRequest")


@_attrs_define
class AddDraftSignatureFieldRequest:
    """
    Attributes:
        document_id (UUID): ID of the document where the signature field will be placed
        field (SignatureFieldDeclaration): The field to create; the server assigns its id.
        participant_id (None | Unset | UUID): ID of the participant who will fill this field.
    """

    document_id: UUID
    field: SignatureFieldDeclaration
    participant_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        document_id = str(self.document_id)

        field = self.field.to_dict()

        participant_id: None | str | Unset
        if isinstance(self.participant_id, Unset):
            participant_id = UNSET
        elif isinstance(self.participant_id, UUID):
            participant_id = str(self.participant_id)
        else:
            participant_id = self.participant_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "documentId": document_id,
                "field": field,
            }
        )
        if participant_id is not UNSET:
            field_dict["participantId"] = participant_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signature_field_declaration import SignatureFieldDeclaration  # noqa: PLC0415

        d = dict(src_dict)
        document_id = UUID(d.pop("documentId"))

        field = SignatureFieldDeclaration.from_dict(d.pop("field"))

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

        add_draft_signature_field_request = cls(
            document_id=document_id,
            field=field,
            participant_id=participant_id,
        )

        add_draft_signature_field_request.additional_properties = d
        return add_draft_signature_field_request

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
