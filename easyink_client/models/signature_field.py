from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signature_field_type import SignatureFieldType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.element_placement import ElementPlacement
    from ..models.signature_field_options import SignatureFieldOptions


T = TypeVar("T", bound="SignatureField")


@_attrs_define
class SignatureField:
    """An interactive field where a participant signs, dates, initials, etc.

    Attributes:
        id (UUID):
        document_id (UUID):
        type_ (SignatureFieldType): Kind of field a participant fills (values besides Signature inferred).
        placement (ElementPlacement): Position and size of an element, in points, origin at the page's bottom-left
            corner.
        participant_id (None | Unset | UUID):
        options (SignatureFieldOptions | Unset): Options of a field; `forType` must equal the field's type.
        depends_on (None | Unset | UUID):
    """

    id: UUID
    document_id: UUID
    type_: SignatureFieldType
    placement: ElementPlacement
    participant_id: None | Unset | UUID = UNSET
    options: SignatureFieldOptions | Unset = UNSET
    depends_on: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        document_id = str(self.document_id)

        type_ = self.type_.value

        placement = self.placement.to_dict()

        participant_id: None | str | Unset
        if isinstance(self.participant_id, Unset):
            participant_id = UNSET
        elif isinstance(self.participant_id, UUID):
            participant_id = str(self.participant_id)
        else:
            participant_id = self.participant_id

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        depends_on: None | str | Unset
        if isinstance(self.depends_on, Unset):
            depends_on = UNSET
        elif isinstance(self.depends_on, UUID):
            depends_on = str(self.depends_on)
        else:
            depends_on = self.depends_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "documentId": document_id,
                "type": type_,
                "placement": placement,
            }
        )
        if participant_id is not UNSET:
            field_dict["participantId"] = participant_id
        if options is not UNSET:
            field_dict["options"] = options
        if depends_on is not UNSET:
            field_dict["dependsOn"] = depends_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.element_placement import ElementPlacement  # noqa: PLC0415
        from ..models.signature_field_options import SignatureFieldOptions  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        document_id = UUID(d.pop("documentId"))

        type_ = SignatureFieldType(d.pop("type"))

        placement = ElementPlacement.from_dict(d.pop("placement"))

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

        _options = d.pop("options", UNSET)
        options: SignatureFieldOptions | Unset
        if isinstance(_options, Unset):
            options = UNSET
        else:
            options = SignatureFieldOptions.from_dict(_options)

        def _parse_depends_on(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                depends_on_type_0 = UUID(data)

                return depends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"dependsOn: expected None | Unset | UUID, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        depends_on = _parse_depends_on(d.pop("dependsOn", UNSET))

        signature_field = cls(
            id=id,
            document_id=document_id,
            type_=type_,
            placement=placement,
            participant_id=participant_id,
            options=options,
            depends_on=depends_on,
        )

        signature_field.additional_properties = d
        return signature_field

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
