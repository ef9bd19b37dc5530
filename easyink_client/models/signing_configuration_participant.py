from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.delivery_method import DeliveryMethod
from ..models.language import Language
from ..models.participant_role import ParticipantRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="SigningConfigurationParticipant")


@_attrs_define
class SigningConfigurationParticipant:
    """A participant of a signing session draft.

    Attributes:
        id (UUID): Unique identifier of the participant in the signing session
        first_name (None | str | Unset): Participant's first (given) name
        middle_name (None | str | Unset): Participant's middle name or initial (optional)
        last_name (None | str | Unset): Participant's last (family) name
        email (None | str | Unset): Email address for sending signing invitations and notifications
        phone (None | str | Unset): Phone number for SMS notifications (10 digits)
        role (ParticipantRole | Unset): `Initiator` created the session; `Signer` signs documents.
        user_id (None | Unset | UUID): Link to a registered user account, if any; pre-fills the participant from their
            profile.
        delivery_methods (list[DeliveryMethod] | None | Unset): Methods for delivering the signing link; several may be
            given for redundancy.
        language (Language | Unset): Language of the signing interface and notifications.
        signature_blob_id (None | Unset | UUID): Pre-saved signature image applied to signature fields, if any.
        initials_blob_id (None | Unset | UUID): Pre-saved initials image applied to initials fields, if any.
    """

    id: UUID
    first_name: None | str | Unset = UNSET
    middle_name: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    role: ParticipantRole | Unset = UNSET
    user_id: None | Unset | UUID = UNSET
    delivery_methods: list[DeliveryMethod] | None | Unset = UNSET
    language: Language | Unset = UNSET
    signature_blob_id: None | Unset | UUID = UNSET
    initials_blob_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

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

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        elif isinstance(self.user_id, UUID):
            user_id = str(self.user_id)
        else:
            user_id = self.user_id

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

        signature_blob_id: None | str | Unset
        if isinstance(self.signature_blob_id, Unset):
            signature_blob_id = UNSET
        elif isinstance(self.signature_blob_id, UUID):
            signature_blob_id = str(self.signature_blob_id)
        else:
            signature_blob_id = self.signature_blob_id

        initials_blob_id: None | str | Unset
        if isinstance(self.initials_blob_id, Unset):
            initials_blob_id = UNSET
        elif isinstance(self.initials_blob_id, UUID):
            initials_blob_id = str(self.initials_blob_id)
        else:
            initials_blob_id = self.initials_blob_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
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
        if role is not UNSET:
            field_dict["role"] = role
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if delivery_methods is not UNSET:
            field_dict["deliveryMethods"] = delivery_methods
        if language is not UNSET:
            field_dict["language"] = language
        if signature_blob_id is not UNSET:
            field_dict["signatureBlobId"] = signature_blob_id
        if initials_blob_id is not UNSET:
            field_dict["initialsBlobId"] = initials_blob_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

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

        _role = d.pop("role", UNSET)
        role: ParticipantRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = ParticipantRole(_role)

        def _parse_user_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                user_id_type_0 = UUID(data)

                return user_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"userId: expected None | Unset | UUID, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        user_id = _parse_user_id(d.pop("userId", UNSET))

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

        def _parse_signature_blob_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                signature_blob_id_type_0 = UUID(data)

                return signature_blob_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"signatureBlobId: expected None | Unset | UUID, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        signature_blob_id = _parse_signature_blob_id(d.pop("signatureBlobId", UNSET))

        def _parse_initials_blob_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                initials_blob_id_type_0 = UUID(data)

                return initials_blob_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"initialsBlobId: expected None | Unset | UUID, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        initials_blob_id = _parse_initials_blob_id(d.pop("initialsBlobId", UNSET))

        signing_configuration_participant = cls(
            id=id,
            first_name=first_name,
            middle_name=middle_name,
            last_name=last_name,
            email=email,
            phone=phone,
            role=role,
            user_id=user_id,
            delivery_methods=delivery_methods,
            language=language,
            signature_blob_id=signature_blob_id,
            initials_blob_id=initials_blob_id,
        )

        signing_configuration_participant.additional_properties = d
        return signing_configuration_participant

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
