from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signature_field_type import SignatureFieldType
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignatureFieldOptions")


@_attrs_define
class SignatureFieldOptions:
    """Options of a field; `forType` must equal the field's type.

    Attributes:
        is_required (bool | Unset): Whether the participant must fill this field to complete signing. Default: False.
        for_type (SignatureFieldType | Unset): Kind of field a participant fills (values besides Signature inferred).
    """

    is_required: bool | Unset = False
    for_type: SignatureFieldType | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        is_required = self.is_required

        for_type: str | Unset = UNSET
        if not isinstance(self.for_type, Unset):
            for_type = self.for_type.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if is_required is not UNSET:
            field_dict["isRequired"] = is_required
        if for_type is not UNSET:
            field_dict["forType"] = for_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        is_required = d.pop("isRequired", UNSET)

        _for_type = d.pop("forType", UNSET)
        for_type: SignatureFieldType | Unset
        if isinstance(_for_type, Unset):
            for_type = UNSET
        else:
            for_type = SignatureFieldType(_for_type)

        signature_field_options = cls(
            is_required=is_required,
            for_type=for_type,
        )

        signature_field_options.additional_properties = d
        return signature_field_options

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
