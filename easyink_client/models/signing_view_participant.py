from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from dateutil.parser import isoparse

from ..models.participant_role import ParticipantRole
from ..models.participant_status import ParticipantStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="SigningViewParticipant")


@_attrs_define
class SigningViewParticipant:
    """
    Attributes:
        participant_id (UUID):
        first_name (None | str | Unset):
        last_name (None | str | Unset):
        email (None | str | Unset):
        role (ParticipantRole | Unset): `Initiator` created the session; `Signer` signs documents.
        status (ParticipantStatus | Unset): Signing status of a participant (values besides Signed inferred): Waiting
            (one-by-one, not their
            turn yet), Pending (invited), Opened (used the signing link), Signed, Declined.
        signed_at (datetime.datetime | None | Unset):
    """

    participant_id: UUID
    first_name: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    role: ParticipantRole | Unset = UNSET
    status: ParticipantStatus | Unset = UNSET
    signed_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        participant_id = str(self.participant_id)

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        signed_at: None | str | Unset
        if isinstance(self.signed_at, Unset):
            signed_at = UNSET
        elif isinstance(self.signed_at, datetime.datetime):
            signed_at = self.signed_at.isoformat()
        else:
            signed_at = self.signed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "participantId": participant_id,
            }
        )
        if first_name is not UNSET:
            field_dict["firstName"] = first_name
        if last_name is not UNSET:
            field_dict["lastName"] = last_name
        if email is not UNSET:
            field_dict["email"] = email
        if role is not UNSET:
            field_dict["role"] = role
        if status is not UNSET:
            field_dict["status"] = status
        if signed_at is not UNSET:
            field_dict["signedAt"] = signed_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        participant_id = UUID(d.pop("participantId"))

        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"firstName: expected None | str | Unset, got {type(data).__name__}")

        first_name = _parse_first_name(d.pop("firstName", UNSET))

        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"lastName: expected None | str | Unset, got {type(data).__name__}")

        last_name = _parse_last_name(d.pop("lastName", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"email: expected None | str | Unset, got {type(data).__name__}")

        email = _parse_email(d.pop("email", UNSET))

        _role = d.pop("role", UNSET)
        role: ParticipantRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = ParticipantRole(_role)

        _status = d.pop("status", UNSET)
        status: ParticipantStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ParticipantStatus(_status)

        def _parse_signed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                signed_at_type_0 = isoparse(data)

                return signed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"signedAt: expected datetime.datetime | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        signed_at = _parse_signed_at(d.pop("signedAt", UNSET))

        signing_view_participant = cls(
            participant_id=participant_id,
            first_name=first_name,
            last_name=last_name,
            email=email,
            role=role,
            status=status,
            signed_at=signed_at,
        )

        signing_view_participant.additional_properties = d
        return signing_view_participant

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
