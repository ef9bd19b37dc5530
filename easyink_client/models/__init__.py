"""Contains all the data models used in inputs/outputs (each imported on first use)"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .add_draft_participant_request import AddDraftParticipantRequest
    from .add_draft_signature_field_request import AddDraftSignatureFieldRequest
    from .all_in_one_document import AllInOneDocument
    from .all_in_one_document_status import AllInOneDocumentStatus
    from .api_error import ApiError
    from .api_error_response import ApiErrorResponse
    from .api_inner_error import ApiInnerError
    from .bulk_participant import BulkParticipant
    from .create_draft_request import CreateDraftRequest
    from .delivery_method import DeliveryMethod
    from .document_page import DocumentPage
    from .document_processing_status import DocumentProcessingStatus
    from .draft_initiator import DraftInitiator
    from .duplicate_session_request import DuplicateSessionRequest
    from .element_placement import ElementPlacement
    from .language import Language
    from .one_by_one_signing_order_request import OneByOneSigningOrderRequest
    from .page_label import PageLabel
    from .participant_role import ParticipantRole
    from .participant_status import ParticipantStatus
    from .recreate_session_request import RecreateSessionRequest
    from .reminder_frequency import ReminderFrequency
    from .search_status import SearchStatus
    from .session_status import SessionStatus
    from .signature_field import SignatureField
    from .signature_field_declaration import SignatureFieldDeclaration
    from .signature_field_options import SignatureFieldOptions
    from .signature_field_type import SignatureFieldType
    from .signed_document import SignedDocument
    from .signed_document_status import SignedDocumentStatus
    from .signing_configuration import SigningConfiguration
    from .signing_configuration_attachment import SigningConfigurationAttachment
    from .signing_configuration_document import SigningConfigurationDocument
    from .signing_configuration_participant import SigningConfigurationParticipant
    from .signing_order_settings import SigningOrderSettings
    from .signing_order_type import SigningOrderType
    from .signing_session_item import SigningSessionItem
    from .signing_session_search_result import SigningSessionSearchResult
    from .signing_session_statistics import SigningSessionStatistics
    from .signing_view import SigningView
    from .signing_view_attachment import SigningViewAttachment
    from .signing_view_document import SigningViewDocument
    from .signing_view_participant import SigningViewParticipant
    from .timestamp_format import TimestampFormat
    from .update_draft_participant_request import UpdateDraftParticipantRequest
    from .update_draft_request import UpdateDraftRequest
    from .update_session_participant_request import UpdateSessionParticipantRequest
    from .upload_draft_document_body import UploadDraftDocumentBody
    from .void_session_request import VoidSessionRequest

_MODULES = {
    "AddDraftParticipantRequest": ".add_draft_participant_request",
    "AddDraftSignatureFieldRequest": ".add_draft_signature_field_request",
    "AllInOneDocument": ".all_in_one_document",
    "AllInOneDocumentStatus": ".all_in_one_document_status",
    "ApiError": ".api_error",
    "ApiErrorResponse": ".api_error_response",
    "ApiInnerError": ".api_inner_error",
    "BulkParticipant": ".bulk_participant",
    "CreateDraftRequest": ".create_draft_request",
    "DeliveryMethod": ".delivery_method",
    "DocumentPage": ".document_page",
    "DocumentProcessingStatus": ".document_processing_status",
    "DraftInitiator": ".draft_initiator",
    "DuplicateSessionRequest": ".duplicate_session_request",
    "ElementPlacement": ".element_placement",
    "Language": ".language",
    "OneByOneSigningOrderRequest": ".one_by_one_signing_order_request",
    "PageLabel": ".page_label",
    "ParticipantRole": ".participant_role",
    "ParticipantStatus": ".participant_status",
    "RecreateSessionRequest": ".recreate_session_request",
    "ReminderFrequency": ".reminder_frequency",
    "SearchStatus": ".search_status",
    "SessionStatus": ".session_status",
    "SignatureField": ".signature_field",
    "SignatureFieldDeclaration": ".signature_field_declaration",
    "SignatureFieldOptions": ".signature_field_options",
    "SignatureFieldType": ".signature_field_type",
    "SignedDocument": ".signed_document",
    "SignedDocumentStatus": ".signed_document_status",
    "SigningConfiguration": ".signing_configuration",
    "SigningConfigurationAttachment": ".signing_configuration_attachment",
    "SigningConfigurationDocument": ".signing_configuration_document",
    "SigningConfigurationParticipant": ".signing_configuration_participant",
    "SigningOrderSettings": ".signing_order_settings",
    "SigningOrderType": ".signing_order_type",
    "SigningSessionItem": ".signing_session_item",
    "SigningSessionSearchResult": ".signing_session_search_result",
    "SigningSessionStatistics": ".signing_session_statistics",
    "SigningView": ".signing_view",
    "SigningViewAttachment": ".signing_view_attachment",
    "SigningViewDocument": ".signing_view_document",
    "SigningViewParticipant": ".signing_view_participant",
    "TimestampFormat": ".timestamp_format",
    "UpdateDraftParticipantRequest": ".update_draft_participant_request",
    "UpdateDraftRequest": ".update_draft_request",
    "UpdateSessionParticipantRequest": ".update_session_participant_request",
    "UploadDraftDocumentBody": ".upload_draft_document_body",
    "VoidSessionRequest": ".void_session_request",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULES})


__all__ = (
    "AddDraftParticipantRequest",
    "AddDraftSignatureFieldRequest",
    "AllInOneDocument",
    "AllInOneDocumentStatus",
    "ApiError",
    "ApiErrorResponse",
    "ApiInnerError",
    "BulkParticipant",
    "CreateDraftRequest",
    "DeliveryMethod",
    "DocumentPage",
    "DocumentProcessingStatus",
    "DraftInitiator",
    "DuplicateSessionRequest",
    "ElementPlacement",
    "Language",
    "OneByOneSigningOrderRequest",
    "PageLabel",
    "ParticipantRole",
    "ParticipantStatus",
    "RecreateSessionRequest",
    "ReminderFrequency",
    "SearchStatus",
    "SessionStatus",
    "SignatureField",
    "SignatureFieldDeclaration",
    "SignatureFieldOptions",
    "SignatureFieldType",
    "SignedDocument",
    "SignedDocumentStatus",
    "SigningConfiguration",
    "SigningConfigurationAttachment",
    "SigningConfigurationDocument",
    "SigningConfigurationParticipant",
    "SigningOrderSettings",
    "SigningOrderType",
    "SigningSessionItem",
    "SigningSessionSearchResult",
    "SigningSessionStatistics",
    "SigningView",
    "SigningViewAttachment",
    "SigningViewDocument",
    "SigningViewParticipant",
    "TimestampFormat",
    "UpdateDraftParticipantRequest",
    "UpdateDraftRequest",
    "UpdateSessionParticipantRequest",
    "UploadDraftDocumentBody",
    "VoidSessionRequest",
)
