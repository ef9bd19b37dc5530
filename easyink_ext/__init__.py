"""Hand-written async layer over the generated ``easyink_client``.

``EasyInk`` configures the generated client with retries, typed errors, token refresh,
request validation and logging; see the submodules for details.
"""

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

__all__ = [
    "PRODUCTION_BASE_URL",
    "PRODUCTION_IDENTITY_URL",
    "SANDBOX_BASE_URL",
    "STAGING_BASE_URL",
    "STAGING_IDENTITY_URL",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "AuthorizationRequest",
    "BadRequestError",
    "ConflictError",
    "EasyInk",
    "EasyInkError",
    "IdentityEndpoints",
    "InternalServerError",
    "NotFoundError",
    "OAuthClient",
    "OAuthError",
    "OutcomeUnknownConnectionError",
    "OutcomeUnknownError",
    "OutcomeUnknownServerError",
    "OutcomeUnknownTimeoutError",
    "PermissionDeniedError",
    "PropertySorting",
    "RateLimitError",
    "RefreshingTokenProvider",
    "RequestValidationError",
    "RetryBudget",
    "RetryPolicy",
    "SortableProperty",
    "StaticToken",
    "TokenProvider",
    "TokenSet",
    "ValidationError",
    "__version__",
    "sort_by",
]
