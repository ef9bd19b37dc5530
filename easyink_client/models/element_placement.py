from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ElementPlacement")


@_attrs_define
class ElementPlacement:
    """Position and size of an element, in points, origin at the page's bottom-left corner.

    Attributes:
        page (int): Page number (1-based)
        position_x (float): Horizontal position of the bottom-left corner, from the left edge
        position_y (float): Vertical position of the bottom-left corner, from the bottom edge (NOT from top)
        size_x (float): Width in points
        size_y (float): Height in points
    """

    page: int
    position_x: float
    position_y: float
    size_x: float
    size_y: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        page = self.page

        position_x = self.position_x

        position_y = self.position_y

        size_x = self.size_x

        size_y = self.size_y

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "page": page,
                "positionX": position_x,
                "positionY": position_y,
                "sizeX": size_x,
                "sizeY": size_y,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        page = d.pop("page")

        position_x = d.pop("positionX")

        position_y = d.pop("positionY")

        size_x = d.pop("sizeX")

        size_y = d.pop("sizeY")

        element_placement = cls(
            page=page,
            position_x=position_x,
            position_y=position_y,
            size_x=size_x,
            size_y=size_y,
        )

        element_placement.additional_properties = d
        return element_placement

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
