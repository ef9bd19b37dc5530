from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.language import Language
from ..models.timestamp_format import TimestampFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="DraftInitiator")


@_attrs_define
class DraftInitiator:
    """The creating user's preferences for the draft.

    Attributes:
        timestamp_format (TimestampFormat | Unset): Format of dates and times in the session.
        language (Language | Unset): Language of the signing interface and notifications.
    """

    timestamp_format: TimestampFormat | Unset = UNSET
    language: Language | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        timestamp_format: str | Unset = UNSET
        if not isinstance(self.timestamp_format, Unset):
            timestamp_format = self.timestamp_format.value

        language: str | Unset = UNSET
        if not isinstance(self.language, Unset):
            language = self.language.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if timestamp_format is not UNSET:
            field_dict["timestampFormat"] = timestamp_format
        if language is not UNSET:
            field_dict["language"] = language

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _timestamp_format = d.pop("timestampFormat", UNSET)
        timestamp_format: TimestampFormat | Unset
        if isinstance(_timestamp_format, Unset):
            timestamp_format = UNSET
        else:
            timestamp_format = TimestampFormat(_timestamp_format)

        _language = d.pop("language", UNSET)
        language: Language | Unset
        if isinstance(_language, Unset):
            language = UNSET
        else:
            language = Language(_language)

        draft_initiator = cls(
            timestamp_format=timestamp_format,
            language=language,
        )

        draft_initiator.additional_properties = d
        return draft_initiator

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
