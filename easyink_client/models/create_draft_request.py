from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.draft_initiator import DraftInitiator


T = TypeVar("T", bound="CreateDraftRequest")


@_attrs_define
class CreateDraftRequest:
    """Basic information for creating the draft.

    Attributes:
        subject (None | str | Unset): Subject/title shown to participants in emails and the signing interface, e.g.
            "Employment Contract - John Smith".
        initiator (DraftInitiator | None | Unset): Information about the user creating the draft and their preferences.
            If not provided,
            defaults to the authenticated user's settings. (Field name inferred.)
    """

    subject: None | str | Unset = UNSET
    initiator: DraftInitiator | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.draft_initiator import DraftInitiator  # noqa: PLC0415

        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject

        initiator: dict[str, Any] | None | Unset
        if isinstance(self.initiator, Unset):
            initiator = UNSET
        elif isinstance(self.initiator, DraftInitiator):
            initiator = self.initiator.to_dict()
        else:
            initiator = self.initiator

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if subject is not UNSET:
            field_dict["subject"] = subject
        if initiator is not UNSET:
            field_dict["initiator"] = initiator

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.draft_initiator import DraftInitiator  # noqa: PLC0415

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

        def _parse_initiator(data: object) -> DraftInitiator | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                initiator_type_0 = DraftInitiator.from_dict(data)

                return initiator_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"initiator: expected DraftInitiator | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        initiator = _parse_initiator(d.pop("initiator", UNSET))

        create_draft_request = cls(
            subject=subject,
            initiator=initiator,
        )

        create_draft_request.additional_properties = d
        return create_draft_request

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
