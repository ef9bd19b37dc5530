from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.delivery_method import DeliveryMethod
from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateSessionParticipantRequest")


@_attrs_define
class UpdateSessionParticipantRequest:
    """New delivery methods and contact details for a participant of an active session.

    Attributes:
        delivery_methods (list[DeliveryMethod] | None | Unset): Methods to use for delivering the signing link.
        email (None | str | Unset): Email address. Required if `Email` is in deliveryMethods.
        phone (None | str | Unset): 10-digit phone number. Required if `Sms` is in deliveryMethods.
    """

    delivery_methods: list[DeliveryMethod] | None | Unset = UNSET
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        delivery_methods: list[str] | None | Unset
        if isinstance(self.delivery_methods, Unset):
            delivery_methods = UNSET
        elif isinstance(self.delivery_methods, list):
            delivery_methods = []
            for delivery_methods_type_0_item_data in self.delivery_methods:
                delivery_methods_type_0_item = delivery_methods_type_0_item_data.value
                delivery_methods.append(delivery_methods_type_0_item)

        else:
            delivery_methods = self.delivery_methods

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if delivery_methods is not UNSET:
            field_dict["deliveryMethods"] = delivery_methods
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_delivery_methods(data: object) -> list[DeliveryMethod] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                delivery_methods_type_0 = []
                _delivery_methods_type_0 = data
                for delivery_methods_type_0_item_data in _delivery_methods_type_0:
                    delivery_methods_type_0_item = DeliveryMethod(delivery_methods_type_0_item_data)

                    delivery_methods_type_0.append(delivery_methods_type_0_item)

                return delivery_methods_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"deliveryMethods: expected list[DeliveryMethod] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        delivery_methods = _parse_delivery_methods(d.pop("deliveryMethods", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"email: expected None | str | Unset, got {type(data).__name__}")

        email = _parse_email(d.pop("email", UNSET))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"phone: expected None | str | Unset, got {type(data).__name__}")

        phone = _parse_phone(d.pop("phone", UNSET))

        update_session_participant_request = cls(
            delivery_methods=delivery_methods,
            email=email,
            phone=phone,
        )

        update_session_participant_request.additional_properties = d
        return update_session_participant_request

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
