from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.delivery_method import DeliveryMethod
from ..models.language import Language
from ..types import UNSET, Unset

T = TypeVar("T", bound="AddDraftParticipantRequest")


@_attrs_define
class AddDraftParticipantRequest:
    """A signer to add to the draft.

    Attributes:
        first_name (None | str | Unset): Participant's first (given) name
        middle_name (None | str | Unset): Participant's middle name or initial (optional)
        last_name (None | str | Unset): Participant's last (family) name
        email (None | str | Unset): Email address for signing invitations. Required if `Email` is in deliveryMethods.
        phone (None | str | Unset): 10-digit phone number for SMS notifications. Required if `Sms` is in
            deliveryMethods.
        delivery_methods (list[DeliveryMethod] | None | Unset): Methods for delivering the signing link; several may be
            given for reliability.
        language (Language | Unset): Language of the signing interface and notifications.
    """

    first_name: None | str | Unset = UNSET
    middle_name: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    delivery_methods: list[DeliveryMethod] | None | Unset = UNSET
    language: Language | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        middle_name: None | str | Unset
        if isinstance(self.middle_name, Unset):
            middle_name = UNSET
        else:
            middle_name = self.middle_name

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

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

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

        language: str | Unset = UNSET
        if not isinstance(self.language, Unset):
            language = self.language.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if first_name is not UNSET:
            field_dict["firstName"] = first_name
        if middle_name is not UNSET:
            field_dict["middleName"] = middle_name
        if last_name is not UNSET:
            field_dict["lastName"] = last_name
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if delivery_methods is not UNSET:
            field_dict["deliveryMethods"] = delivery_methods
        if language is not UNSET:
            field_dict["language"] = language

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"firstName: expected None | str | Unset, got {type(data).__name__}")

        first_name = _parse_first_name(d.pop("firstName", UNSET))

        def _parse_middle_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"middleName: expected None | str | Unset, got {type(data).__name__}")

        middle_name = _parse_middle_name(d.pop("middleName", UNSET))

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

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"phone: expected None | str | Unset, got {type(data).__name__}")

        phone = _parse_phone(d.pop("phone", UNSET))

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

        _language = d.pop("language", UNSET)
        language: Language | Unset
        if isinstance(_language, Unset):
            language = UNSET
        else:
            language = Language(_language)

        add_draft_participant_request = cls(
            first_name=first_name,
            middle_name=middle_name,
            last_name=last_name,
            email=email,
            phone=phone,
            delivery_methods=delivery_methods,
            language=language,
        )

        add_draft_participant_request.additional_properties = d
        return add_draft_participant_request

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
