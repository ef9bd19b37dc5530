from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.all_in_one_document_status import AllInOneDocumentStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="AllInOneDocument")


@_attrs_define
class AllInOneDocument:
    """Combined document merging all participants' signatures into one file; only available after the session is finished.

    Attributes:
        title (None | str | Unset):
        status (AllInOneDocumentStatus | Unset):
    """

    title: None | str | Unset = UNSET
    status: AllInOneDocumentStatus | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if title is not UNSET:
            field_dict["title"] = title
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"title: expected None | str | Unset, got {type(data).__name__}")

        title = _parse_title(d.pop("title", UNSET))

        _status = d.pop("status", UNSET)
        status: AllInOneDocumentStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = AllInOneDocumentStatus(_status)

        all_in_one_document = cls(
            title=title,
            status=status,
        )

        all_in_one_document.additional_properties = d
        return all_in_one_document

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
