"""API errors: the ``ApiError`` exception raised by handlers, the ``ApiErrorResponse`` bodies and
the exact messages the reference documents (one place for each, used by rules and validation)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from starlette.responses import Response

VALIDATION_FAILED = "Validation failed for one or more fields"
DRAFT_NOT_FOUND = "Signing session draft does not exists"
SESSION_NOT_FOUND = "The specified signing session ID was not found."
DRAFT_LOCKED = "Signing session draft is locked and cannot be modified"
DRAFT_LOCKED_REMOVE = "Signing session draft is locked and cannot be removed"
CONFIG_INVALID = (
    "Session configuration is invalid. Check that all documents, participants, and fields are"
    " configured."
)
PROCESSING = "Document processing is in progress. Try again later."
LINK_USED = (
    "Delivery method can't be changed because the participant has already used the signing link"
)
VOID_REASON_REQUIRED = "Voiding reason is required"
SUBJECT_TOO_LONG = "Subject cannot exceed 500 characters"
PARTICIPANT_ID_REQUIRED = "Participant Id is required"
POSITION_X_NEGATIVE = "Position on X-axis cannot be less than 0"
POSITION_Y_NEGATIVE = "Position on Y-axis cannot be less than 0"
FIELD_OPTIONS_TYPE = "Field options must target the field type"
UNEXPECTED_ERROR = "An unexpected error occurred"

_CODE_STATUS = {
    "ValidationError": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "NotFound": 404,
    "MethodNotAllowed": 405,
    "RangeNotSatisfiable": 416,
    "RateLimited": 429,
    "InternalServerError": 500,
    "ServiceUnavailable": 503,
}


class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message", "innerErrors"}}``."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        inner: Sequence[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else _CODE_STATUS.get(code, 400)
        self.inner = list(inner) if inner is not None else None
        self.headers = dict(headers or {})

    def to_response(self) -> Response:
        """Render the error as its HTTP response."""
        return error_response(self.status, self.code, self.message, self.inner, self.headers)


def error_body(code: str, message: str, inner: Sequence[tuple[str, str]] | None = None) -> bytes:
    """The JSON bytes of an ``ApiErrorResponse``."""
    inner_list = None if inner is None else [{"code": c, "message": m} for c, m in inner]
    payload = {"error": {"code": code, "message": message, "innerErrors": inner_list}}
    return json.dumps(payload, separators=(",", ":")).encode()


def error_response(
    status: int,
    code: str,
    message: str,
    inner: Sequence[tuple[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An ``ApiErrorResponse`` JSON response."""
    return Response(
        error_body(code, message, inner),
        status_code=status,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def validation(message: str, inner: Sequence[tuple[str, str]] | None = None) -> ApiError:
    """A 400 ``ValidationError``."""
    return ApiError("ValidationError", message, inner=inner)


def not_found(message: str) -> ApiError:
    """A 404 ``NotFound``."""
    return ApiError("NotFound", message)


def required_field(name: str) -> ApiError:
    """A 400 ``ValidationError`` for a missing field, in the documented inner-error form."""
    return validation(VALIDATION_FAILED, [("RequiredField", f"The '{name}' field is required")])


def unexpected_error() -> Response:
    """The 500 answered for an error no rule expected (logged by the caller)."""
    return error_response(500, "InternalServerError", UNEXPECTED_ERROR)


def method_not_allowed(method: str, headers: Mapping[str, str] | None) -> Response:
    """A 405 ``MethodNotAllowed``; RFC 9110: ``headers`` carry ``Allow``, the methods supported."""
    return error_response(
        405, "MethodNotAllowed", f"Method {method} is not allowed here", headers=headers
    )
