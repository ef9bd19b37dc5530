from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SigningSessionStatistics")


@_attrs_define
class SigningSessionStatistics:
    """
    Attributes:
        sessions_to_sign_count (int): Sessions where the current user is a participant and needs to sign (in any status
            where
            the user's action is pending).
        drafts_count (int): Sessions in Draft status (being configured, not yet sent) created by or visible to the user
        ready_to_start_count (int): Sessions in ReadyToStart status (configured, waiting to be started manually)
        in_progress_count (int): Sessions sent to participants and awaiting signatures (InProgress; counted here
            together
            with Pending, i.e. started but nobody signed yet).
        needs_action_count (int): Sessions requiring immediate attention: sessions with errors (e.g. notification
            errors),
            declined sessions, or sessions awaiting approval.
    """

    sessions_to_sign_count: int
    drafts_count: int
    ready_to_start_count: int
    in_progress_count: int
    needs_action_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sessions_to_sign_count = self.sessions_to_sign_count

        drafts_count = self.drafts_count

        ready_to_start_count = self.ready_to_start_count

        in_progress_count = self.in_progress_count

        needs_action_count = self.needs_action_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sessionsToSignCount": sessions_to_sign_count,
                "draftsCount": drafts_count,
                "readyToStartCount": ready_to_start_count,
                "inProgressCount": in_progress_count,
                "needsActionCount": needs_action_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sessions_to_sign_count = d.pop("sessionsToSignCount")

        drafts_count = d.pop("draftsCount")

        ready_to_start_count = d.pop("readyToStartCount")

        in_progress_count = d.pop("inProgressCount")

        needs_action_count = d.pop("needsActionCount")

        signing_session_statistics = cls(
            sessions_to_sign_count=sessions_to_sign_count,
            drafts_count=drafts_count,
            ready_to_start_count=ready_to_start_count,
            in_progress_count=in_progress_count,
            needs_action_count=needs_action_count,
        )

        signing_session_statistics.additional_properties = d
        return signing_session_statistics

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
