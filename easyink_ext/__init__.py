"""Hand-written async layer over the generated ``easyink_client``.

``EasyInk`` configures the generated client with retries, typed errors, token refresh,
request validation and logging. On top of it: ``send_for_signature`` (the whole signing
workflow in one call), waiters, resumable streaming downloads and ``run_batch``.
"""

from typing import TYPE_CHECKING, Any

from ._client import PRODUCTION_BASE_URL, SANDBOX_BASE_URL, STAGING_BASE_URL, EasyInk
from ._retry import RetryBudget, RetryPolicy
from ._version import __version__
from .auth import (
    PRODUCTION_IDENTITY_URL,
    STAGING_IDENTITY_URL,
    AuthorizationRequest,
    IdentityEndpoints,
    OAuthClient,
    RefreshingTokenProvider,
    StaticToken,
    TokenProvider,
    TokenSet,
)
from .batch import BatchProgress, BatchResult, JournalError, RateLimiter, read_journal, run_batch
from .downloads import (
    DownloadError,
    DownloadResult,
    download,
    download_all_in_one_document,
    download_draft_attachment,
    download_draft_document,
    download_session_attachment,
    download_session_document,
    download_signed_document,
)
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    EasyInkError,
    InternalServerError,
    NotFoundError,
    OAuthError,
    OutcomeUnknownConnectionError,
    OutcomeUnknownError,
    OutcomeUnknownServerError,
    OutcomeUnknownTimeoutError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    ValidationError,
)
from .pagination import PropertySorting, SortableProperty, sort_by
from .sync import EasyInkSync
from .waiters import (
    TERMINAL_STATUSES,
    DocumentProcessingError,
    PollPolicy,
    SessionEndedError,
    WaitTimeoutError,
    wait_for_documents_processed,
    wait_for_session,
)
from .workflow import FieldSpec, SentSession, Signer, WorkflowError, send_for_signature

if TYPE_CHECKING:
    from ._aiohttp import AiohttpTransport as AiohttpTransport


def __getattr__(name: str) -> Any:
    # AiohttpTransport is imported on first use only: `import easyink_ext` never imports aiohttp
    # (and it is not in __all__, so `from easyink_ext import *` does not need aiohttp either).
    if name == "AiohttpTransport":
        from ._aiohttp import AiohttpTransport

        return AiohttpTransport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PRODUCTION_BASE_URL",
    "PRODUCTION_IDENTITY_URL",
    "SANDBOX_BASE_URL",
    "STAGING_BASE_URL",
    "STAGING_IDENTITY_URL",
    "TERMINAL_STATUSES",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "AuthorizationRequest",
    "BadRequestError",
    "BatchProgress",
    "BatchResult",
    "ConflictError",
    "DocumentProcessingError",
    "DownloadError",
    "DownloadResult",
    "EasyInk",
    "EasyInkError",
    "EasyInkSync",
    "FieldSpec",
    "IdentityEndpoints",
    "InternalServerError",
    "JournalError",
    "NotFoundError",
    "OAuthClient",
    "OAuthError",
    "OutcomeUnknownConnectionError",
    "OutcomeUnknownError",
    "OutcomeUnknownServerError",
    "OutcomeUnknownTimeoutError",
    "PermissionDeniedError",
    "PollPolicy",
    "PropertySorting",
    "RateLimitError",
    "RateLimiter",
    "RefreshingTokenProvider",
    "RequestValidationError",
    "RetryBudget",
    "RetryPolicy",
    "SentSession",
    "SessionEndedError",
    "Signer",
    "SortableProperty",
    "StaticToken",
    "TokenProvider",
    "TokenSet",
    "ValidationError",
    "WaitTimeoutError",
    "WorkflowError",
    "__version__",
    "download",
    "download_all_in_one_document",
    "download_draft_attachment",
    "download_draft_document",
    "download_session_attachment",
    "download_session_document",
    "download_signed_document",
    "read_journal",
    "run_batch",
    "send_for_signature",
    "sort_by",
    "wait_for_documents_processed",
    "wait_for_session",
]
