from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.api_inner_error import ApiInnerError


T = TypeVar("T", bound="ApiError")


@_attrs_define
class ApiError:
    """An error with a machine-readable code, a human-readable message and optional details.

    Attributes:
        code (str): Error code: ValidationError, NotFound, Unauthorized, Forbidden, InternalServerError, ...
        message (str): Human-readable description of the error.
        inner_errors (list[ApiInnerError] | None | Unset): Details, e.g. one entry per invalid field.
    """

    code: str
    message: str
    inner_errors: list[ApiInnerError] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        inner_errors: list[dict[str, Any]] | None | Unset
        if isinstance(self.inner_errors, Unset):
            inner_errors = UNSET
        elif isinstance(self.inner_errors, list):
            inner_errors = []
            for inner_errors_type_0_item_data in self.inner_errors:
                inner_errors_type_0_item = inner_errors_type_0_item_data.to_dict()
                inner_errors.append(inner_errors_type_0_item)

        else:
            inner_errors = self.inner_errors

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if inner_errors is not UNSET:
            field_dict["innerErrors"] = inner_errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.api_inner_error import ApiInnerError  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        def _parse_inner_errors(data: object) -> list[ApiInnerError] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                inner_errors_type_0 = []
                _inner_errors_type_0 = data
                for inner_errors_type_0_item_data in _inner_errors_type_0:
                    inner_errors_type_0_item = ApiInnerError.from_dict(inner_errors_type_0_item_data)

                    inner_errors_type_0.append(inner_errors_type_0_item)

                return inner_errors_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"innerErrors: expected list[ApiInnerError] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        inner_errors = _parse_inner_errors(d.pop("innerErrors", UNSET))

        api_error = cls(
            code=code,
            message=message,
            inner_errors=inner_errors,
        )

        api_error.additional_properties = d
        return api_error

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
