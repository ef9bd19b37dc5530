"""Hand-written async layer over the generated ``easyink_client``.

``EasyInk`` configures the generated client with retries, typed errors, token refresh,
request validation and logging. On top of it: ``send_for_signature`` (the whole signing
workflow in one call), waiters, resumable streaming downloads and ``run_batch``
(with a ledger: every row sent exactly once, across processes, machines and crashes).

``import easyink_ext`` loads only the errors; every other name is imported on first use (its
module and what it needs: ``EasyInk`` brings httpx and the generated client, ``OAuthClient``
authlib, ``SQLiteLedger`` sqlite3, ``AiohttpTransport`` aiohttp).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from . import _httpx_cli
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIResponseError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    EasyInkError,
    InconsistentResponseError,
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
    ResponseTooLargeError,
    UnexpectedRedirectError,
    ValidationError,
)

if TYPE_CHECKING:
    from ._aiohttp import AiohttpTransport as AiohttpTransport  # not in __all__
    from ._answers import parsed_answer
    from ._client import (
        PRODUCTION_BASE_URL,
        SANDBOX_BASE_URL,
        STAGING_BASE_URL,
        EasyInk,
        EasyInkOptions,
    )
    from ._resource import FileInput, RawResponse
    from ._retry import RetryBudget, RetryPolicy
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
    from .batch import (
        BatchProgress,
        BatchResult,
        LeaseLostError,
        RateLimiter,
        current_row,
        ledger_steps,
        run_batch,
    )
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
    from .ledger import Ledger, LedgerError, PostgresLedger, RowRecord, SQLiteLedger
    from .pagination import PropertySorting, SortableProperty, iter_sessions, search_pages, sort_by
    from .reconcile import ReconcileError, SessionReconciler
    from .resources import Drafts, DraftsSync, Sessions, SessionsSync
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

_httpx_cli.defer()

# Module (relative to this package) -> the public names imported from it on first use.
# AiohttpTransport is not in __all__: `from easyink_ext import *` never needs aiohttp.
_LAZY_MODULES: dict[str, tuple[str, ...]] = {
    "._answers": ("parsed_answer",),
    "._client": (
        "PRODUCTION_BASE_URL",
        "SANDBOX_BASE_URL",
        "STAGING_BASE_URL",
        "EasyInk",
        "EasyInkOptions",
    ),
    "._resource": ("FileInput", "RawResponse"),
    "._retry": ("RetryBudget", "RetryPolicy"),
    ".auth": (
        "PRODUCTION_IDENTITY_URL",
        "STAGING_IDENTITY_URL",
        "AuthorizationRequest",
        "IdentityEndpoints",
        "OAuthClient",
        "RefreshingTokenProvider",
        "StaticToken",
        "TokenProvider",
        "TokenSet",
    ),
    ".batch": (
        "BatchProgress",
        "BatchResult",
        "LeaseLostError",
        "RateLimiter",
        "current_row",
        "ledger_steps",
        "run_batch",
    ),
    ".downloads": (
        "DownloadError",
        "DownloadResult",
        "download",
        "download_all_in_one_document",
        "download_draft_attachment",
        "download_draft_document",
        "download_session_attachment",
        "download_session_document",
        "download_signed_document",
    ),
    ".ledger": ("Ledger", "LedgerError", "PostgresLedger", "RowRecord", "SQLiteLedger"),
    ".pagination": (
        "PropertySorting",
        "SortableProperty",
        "iter_sessions",
        "search_pages",
        "sort_by",
    ),
    ".reconcile": ("ReconcileError", "SessionReconciler"),
    # the namespace classes of ``ei.drafts`` / ``ei.sessions`` (generated)
    ".resources": ("Drafts", "DraftsSync", "Sessions", "SessionsSync"),
    ".sync": ("EasyInkSync",),
    ".waiters": (
        "TERMINAL_STATUSES",
        "DocumentProcessingError",
        "PollPolicy",
        "SessionEndedError",
        "WaitTimeoutError",
        "wait_for_documents_processed",
        "wait_for_session",
    ),
    ".workflow": ("FieldSpec", "SentSession", "Signer", "WorkflowError", "send_for_signature"),
    "._aiohttp": ("AiohttpTransport",),
}
_LAZY = {name: module for module, names in _LAZY_MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "PRODUCTION_BASE_URL",
    "PRODUCTION_IDENTITY_URL",
    "SANDBOX_BASE_URL",
    "STAGING_BASE_URL",
    "STAGING_IDENTITY_URL",
    "TERMINAL_STATUSES",
    "APIConnectionError",
    "APIResponseError",
    "APIResponseValidationError",
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
    "Drafts",
    "DraftsSync",
    "EasyInk",
    "EasyInkError",
    "EasyInkOptions",
    "EasyInkSync",
    "FieldSpec",
    "FileInput",
    "IdentityEndpoints",
    "InconsistentResponseError",
    "InternalServerError",
    "LeaseLostError",
    "Ledger",
    "LedgerError",
    "NotFoundError",
    "OAuthClient",
    "OAuthError",
    "OutcomeUnknownConnectionError",
    "OutcomeUnknownError",
    "OutcomeUnknownServerError",
    "OutcomeUnknownTimeoutError",
    "PermissionDeniedError",
    "PollPolicy",
    "PostgresLedger",
    "PropertySorting",
    "RateLimitError",
    "RateLimiter",
    "RawResponse",
    "ReconcileError",
    "RefreshingTokenProvider",
    "RequestValidationError",
    "ResponseTooLargeError",
    "RetryBudget",
    "RetryPolicy",
    "RowRecord",
    "SQLiteLedger",
    "SentSession",
    "SessionEndedError",
    "SessionReconciler",
    "Sessions",
    "SessionsSync",
    "Signer",
    "SortableProperty",
    "StaticToken",
    "TokenProvider",
    "TokenSet",
    "UnexpectedRedirectError",
    "ValidationError",
    "WaitTimeoutError",
    "WorkflowError",
    "__version__",
    "current_row",
    "download",
    "download_all_in_one_document",
    "download_draft_attachment",
    "download_draft_document",
    "download_session_attachment",
    "download_session_document",
    "download_signed_document",
    "iter_sessions",
    "ledger_steps",
    "parsed_answer",
    "run_batch",
    "search_pages",
    "send_for_signature",
    "sort_by",
    "wait_for_documents_processed",
    "wait_for_session",
]
