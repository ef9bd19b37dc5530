from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reminder_frequency import ReminderFrequency
from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateDraftRequest")


@_attrs_define
class UpdateDraftRequest:
    """
    Attributes:
        subject (None | str | Unset): Updated subject/title (appears in notifications and the signing interface)
        reminder_frequency (None | ReminderFrequency | Unset):
    """

    subject: None | str | Unset = UNSET
    reminder_frequency: None | ReminderFrequency | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject

        reminder_frequency: None | str | Unset
        if isinstance(self.reminder_frequency, Unset):
            reminder_frequency = UNSET
        elif isinstance(self.reminder_frequency, ReminderFrequency):
            reminder_frequency = self.reminder_frequency.value
        else:
            reminder_frequency = self.reminder_frequency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if subject is not UNSET:
            field_dict["subject"] = subject
        if reminder_frequency is not UNSET:
            field_dict["reminderFrequency"] = reminder_frequency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_subject(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"subject: expected None | str | Unset, got {type(data).__name__}")

        subject = _parse_subject(d.pop("subject", UNSET))

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

        update_draft_request = cls(
            subject=subject,
            reminder_frequency=reminder_frequency,
        )

        update_draft_request.additional_properties = d
        return update_draft_request

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
