from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signature_field_type import SignatureFieldType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.element_placement import ElementPlacement
    from ..models.signature_field_options import SignatureFieldOptions


T = TypeVar("T", bound="SignatureFieldDeclaration")


@_attrs_define
class SignatureFieldDeclaration:
    """The field to create; the server assigns its id.

    Attributes:
        type_ (SignatureFieldType): Kind of field a participant fills (values besides Signature inferred).
        placement (ElementPlacement): Position and size of an element, in points, origin at the page's bottom-left
            corner.
        options (SignatureFieldOptions | Unset): Options of a field; `forType` must equal the field's type.
        depends_on (None | Unset | UUID): Id of the field this one depends on (removed with it), e.g. a date beside a
            signature.
    """

    type_: SignatureFieldType
    placement: ElementPlacement
    options: SignatureFieldOptions | Unset = UNSET
    depends_on: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        placement = self.placement.to_dict()

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        depends_on: None | str | Unset
        if isinstance(self.depends_on, Unset):
            depends_on = UNSET
        elif isinstance(self.depends_on, UUID):
            depends_on = str(self.depends_on)
        else:
            depends_on = self.depends_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "placement": placement,
            }
        )
        if options is not UNSET:
            field_dict["options"] = options
        if depends_on is not UNSET:
            field_dict["dependsOn"] = depends_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.element_placement import ElementPlacement  # noqa: PLC0415
        from ..models.signature_field_options import SignatureFieldOptions  # noqa: PLC0415

        d = dict(src_dict)
        type_ = SignatureFieldType(d.pop("type"))

        placement = ElementPlacement.from_dict(d.pop("placement"))

        _options = d.pop("options", UNSET)
        options: SignatureFieldOptions | Unset
        if isinstance(_options, Unset):
            options = UNSET
        else:
            options = SignatureFieldOptions.from_dict(_options)

        def _parse_depends_on(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                depends_on_type_0 = UUID(data)

                return depends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"dependsOn: expected None | Unset | UUID, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        depends_on = _parse_depends_on(d.pop("dependsOn", UNSET))

        signature_field_declaration = cls(
            type_=type_,
            placement=placement,
            options=options,
            depends_on=depends_on,
        )

        signature_field_declaration.additional_properties = d
        return signature_field_declaration

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
