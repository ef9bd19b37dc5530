from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.document_processing_status import DocumentProcessingStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.document_page import DocumentPage


T = TypeVar("T", bound="SigningConfigurationDocument")


@_attrs_define
class SigningConfigurationDocument:
    """A document for signing in a draft.

    Attributes:
        id (UUID):
        status (DocumentProcessingStatus): Processing state of an uploaded document (values besides ProcessingReady
            inferred).
        title (None | str | Unset):
        blob_id (None | Unset | UUID):
        pages (list[DocumentPage] | None | Unset):
    """

    id: UUID
    status: DocumentProcessingStatus
    title: None | str | Unset = UNSET
    blob_id: None | Unset | UUID = UNSET
    pages: list[DocumentPage] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        status = self.status.value

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        blob_id: None | str | Unset
        if isinstance(self.blob_id, Unset):
            blob_id = UNSET
        elif isinstance(self.blob_id, UUID):
            blob_id = str(self.blob_id)
        else:
            blob_id = self.blob_id

        pages: list[dict[str, Any]] | None | Unset
        if isinstance(self.pages, Unset):
            pages = UNSET
        elif isinstance(self.pages, list):
            pages = []
            for pages_type_0_item_data in self.pages:
                pages_type_0_item = pages_type_0_item_data.to_dict()
                pages.append(pages_type_0_item)

        else:
            pages = self.pages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
            }
        )
        if title is not UNSET:
            field_dict["title"] = title
        if blob_id is not UNSET:
            field_dict["blobId"] = blob_id
        if pages is not UNSET:
            field_dict["pages"] = pages

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.document_page import DocumentPage  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        status = DocumentProcessingStatus(d.pop("status"))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            if isinstance(data, str):
                return cast(None | str | Unset, data)
            raise ValueError(f"title: expected None | str | Unset, got {type(data).__name__}")

        title = _parse_title(d.pop("title", UNSET))

        def _parse_blob_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, str):
                    raise TypeError()
                blob_id_type_0 = UUID(data)

                return blob_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"blobId: expected None | Unset | UUID, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        blob_id = _parse_blob_id(d.pop("blobId", UNSET))

        def _parse_pages(data: object) -> list[DocumentPage] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            failures: list[Exception] = []
            try:
                if not isinstance(data, list):
                    raise TypeError()
                pages_type_0 = []
                _pages_type_0 = data
                for pages_type_0_item_data in _pages_type_0:
                    pages_type_0_item = DocumentPage.from_dict(pages_type_0_item_data)

                    pages_type_0.append(pages_type_0_item)

                return pages_type_0
            except (TypeError, ValueError, AttributeError, KeyError) as failure:
                failures.append(failure)
            raise ValueError(
                f"pages: expected list[DocumentPage] | None | Unset, got {type(data).__name__}"
                + "".join(f"; {type(failure).__name__}: {str(failure)[:200]}" for failure in failures)
            ) from (failures[-1] if failures else None)

        pages = _parse_pages(d.pop("pages", UNSET))

        signing_configuration_document = cls(
            id=id,
            status=status,
            title=title,
            blob_id=blob_id,
            pages=pages,
        )

        signing_configuration_document.additional_properties = d
        return signing_configuration_document

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
