from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from dateutil.parser import isoparse

from ..models.session_status import SessionStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="SigningSessionItem")


@_attrs_define
class SigningSessionItem:
    """One session in search results.

    Attributes:
        id (UUID):
        created (datetime.datetime):
        status (SessionStatus): Lifecycle status: Draft (being configured), ReadyToStart (converted), Pending (started,
            nobody
            signed yet), InProgress (some signed), Finished, Declined, Voided, Expired.
        is_bulk (bool | Unset):
        subject (None | str | Unset):
        current_user_need_to_sign (bool | Unset):
        has_notification_errors (bool | Unset):
        can_be_deleted (bool | Unset):
    """

    id: UUID
    created: datetime.datetime
    status: SessionStatus
    is_bulk: bool | Unset = UNSET
    subject: None | str | Unset = UNSET
    current_user_need_to_sign: bool | Unset = UNSET
    has_notification_errors: bool | Unset = UNSET
    can_be_deleted: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        created = self.created.isoformat()

        status = self.status.value

        is_bulk = self.is_bulk

        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject

        current_user_need_to_sign = self.current_user_need_to_sign

        has_notification_errors = self.has_notification_errors

        can_be_deleted = self.can_be_deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created": created,
                "status": status,
            }
        )
        if is_bulk is not UNSET:
            field_dict["isBulk"] = is_bulk
        if subject is not UNSET:
            field_dict["subject"] = subject
        if current_user_need_to_sign is not UNSET:
            field_dict["currentUserNeedToSign"] = current_user_need_to_sign
        if has_notification_errors is not UNSET:
            field_dict["hasNotificationErrors"] = has_notification_errors
        if can_be_deleted is not UNSET:
            field_dict["canBeDeleted"] = can_be_deleted

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        created = isoparse(d.pop("created"))

        status = SessionStatus(d.pop("status"))

        is_bulk = d.pop("isBulk", UNSET)

        def _parse_subject(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"subject: expected None | str | Unset, got {type(data).__name__}")

        subject = _parse_subject(d.pop("subject", UNSET))

        current_user_need_to_sign = d.pop("currentUserNeedToSign", UNSET)

        has_notification_errors = d.pop("hasNotificationErrors", UNSET)

        can_be_deleted = d.pop("canBeDeleted", UNSET)

        signing_session_item = cls(
            id=id,
            created=created,
            status=status,
            is_bulk=is_bulk,
            subject=subject,
            current_user_need_to_sign=current_user_need_to_sign,
            has_notification_errors=has_notification_errors,
            can_be_deleted=can_be_deleted,
        )

        signing_session_item.additional_properties = d
        return signing_session_item

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
