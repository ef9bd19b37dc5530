from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sortable_property import SortableProperty
from ..types import UNSET, Unset

T = TypeVar("T", bound="PropertySorting")


@_attrs_define
class PropertySorting:
    """One sorting rule of a search. Sent in the `sorting.properties` query parameter as
    `propertyName` (ascending) or `propertyName:desc`.

        Attributes:
            property_name (SortableProperty):
            is_descending (bool | Unset):  Default: False.
    """

    property_name: SortableProperty
    is_descending: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        property_name = self.property_name.value

        is_descending = self.is_descending

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "propertyName": property_name,
            }
        )
        if is_descending is not UNSET:
            field_dict["isDescending"] = is_descending

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        property_name = SortableProperty(d.pop("propertyName"))

        is_descending = d.pop("isDescending", UNSET)

        property_sorting = cls(
            property_name=property_name,
            is_descending=is_descending,
        )

        property_sorting.additional_properties = d
        return property_sorting

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
