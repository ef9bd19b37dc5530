"""Contains all the data models used in inputs/outputs"""

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
