from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signing_order_type import SigningOrderType
from ..types import UNSET, Unset

T = TypeVar("T", bound="SigningOrderSettings")


@_attrs_define
class SigningOrderSettings:
    """The order in which participants receive and complete signing.

    Attributes:
        type_ (SigningOrderType):
        participants_order (list[UUID] | None | Unset): Participant ids in signing order (OneByOne only).
    """

    type_: SigningOrderType
    participants_order: list[UUID] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        participants_order: list[str] | None | Unset
        if isinstance(self.participants_order, Unset):
            participants_order = UNSET
        elif isinstance(self.participants_order, list):
            participants_order = []
            for participants_order_type_0_item_data in self.participants_order:
                participants_order_type_0_item = str(participants_order_type_0_item_data)
                participants_order.append(participants_order_type_0_item)

        else:
            participants_order = self.participants_order

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if participants_order is not UNSET:
            field_dict["participantsOrder"] = participants_order

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = SigningOrderType(d.pop("type"))

        def _parse_participants_order(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                participants_order_type_0 = []
                _participants_order_type_0 = data
                for participants_order_type_0_item_data in _participants_order_type_0:
                    participants_order_type_0_item = UUID(participants_order_type_0_item_data)

                    participants_order_type_0.append(participants_order_type_0_item)

                return participants_order_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"participantsOrder: expected list[UUID] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        participants_order = _parse_participants_order(d.pop("participantsOrder", UNSET))

        signing_order_settings = cls(
            type_=type_,
            participants_order=participants_order,
        )

        signing_order_settings.additional_properties = d
        return signing_order_settings

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
