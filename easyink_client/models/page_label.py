from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.element_placement import ElementPlacement


T = TypeVar("T", bound="PageLabel")


@_attrs_define
class PageLabel:
    """Auto-generated label printed on signed documents, e.g. the session id or a timestamp.

    Attributes:
        id (UUID | Unset):
        document_id (UUID | Unset):
        text (None | str | Unset):
        placement (ElementPlacement | Unset): Position and size of an element, in points, origin at the page's bottom-
            left corner.
    """

    id: UUID | Unset = UNSET
    document_id: UUID | Unset = UNSET
    text: None | str | Unset = UNSET
    placement: ElementPlacement | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        document_id: str | Unset = UNSET
        if not isinstance(self.document_id, Unset):
            document_id = str(self.document_id)

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        placement: dict[str, Any] | Unset = UNSET
        if not isinstance(self.placement, Unset):
            placement = self.placement.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if document_id is not UNSET:
            field_dict["documentId"] = document_id
        if text is not UNSET:
            field_dict["text"] = text
        if placement is not UNSET:
            field_dict["placement"] = placement

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.element_placement import ElementPlacement  # noqa: PLC0415

        d = dict(src_dict)
        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        _document_id = d.pop("documentId", UNSET)
        document_id: UUID | Unset
        if isinstance(_document_id, Unset):
            document_id = UNSET
        else:
            document_id = UUID(_document_id)

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"text: expected None | str | Unset, got {type(data).__name__}")

        text = _parse_text(d.pop("text", UNSET))

        _placement = d.pop("placement", UNSET)
        placement: ElementPlacement | Unset
        if isinstance(_placement, Unset):
            placement = UNSET
        else:
            placement = ElementPlacement.from_dict(_placement)

        page_label = cls(
            id=id,
            document_id=document_id,
            text=text,
            placement=placement,
        )

        page_label.additional_properties = d
        return page_label

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
