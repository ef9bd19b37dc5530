from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.signing_session_item import SigningSessionItem


T = TypeVar("T", bound="SigningSessionSearchResult")


@_attrs_define
class SigningSessionSearchResult:
    """
    Attributes:
        items (list[SigningSessionItem] | None): Sessions of this page; empty when nothing matches.
        total_items_count (int): Total number of sessions matching the search criteria across all pages
        pages_count (int): Total number of pages available based on pageSize and totalItemsCount
        page_index (int): Current page index (0-based, matches the request parameter)
        page_size (int): Number of items per page (matches the request parameter)
    """

    items: list[SigningSessionItem] | None
    total_items_count: int
    pages_count: int
    page_index: int
    page_size: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items: list[dict[str, Any]] | None
        if isinstance(self.items, list):
            items = []
            for items_type_0_item_data in self.items:
                items_type_0_item = items_type_0_item_data.to_dict()
                items.append(items_type_0_item)

        else:
            items = self.items

        total_items_count = self.total_items_count

        pages_count = self.pages_count

        page_index = self.page_index

        page_size = self.page_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "totalItemsCount": total_items_count,
                "pagesCount": pages_count,
                "pageIndex": page_index,
                "pageSize": page_size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signing_session_item import SigningSessionItem  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_items(data: object) -> list[SigningSessionItem] | None:
            if data is None:
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                items_type_0 = []
                _items_type_0 = data
                for items_type_0_item_data in _items_type_0:
                    items_type_0_item = SigningSessionItem.from_dict(items_type_0_item_data)

                    items_type_0.append(items_type_0_item)

                return items_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"items: expected list[SigningSessionItem] | None, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        items = _parse_items(d.pop("items"))

        total_items_count = d.pop("totalItemsCount")

        pages_count = d.pop("pagesCount")

        page_index = d.pop("pageIndex")

        page_size = d.pop("pageSize")

        signing_session_search_result = cls(
            items=items,
            total_items_count=total_items_count,
            pages_count=pages_count,
            page_index=page_index,
            page_size=page_size,
        )

        signing_session_search_result.additional_properties = d
        return signing_session_search_result

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
