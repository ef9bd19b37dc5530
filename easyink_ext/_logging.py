"""The ``easyink`` logger: one DEBUG line per request, response and retry.

Lines carry the method, the URL path (never the query string or headers), the status, the
attempt number and the elapsed time. Callers check :func:`debug_enabled` first so that
formatting costs nothing when DEBUG is off.

Every record also carries these as ``extra`` fields for structured (JSON) formatters:
``easyink_operation`` (the operationId, ``None`` for a path the spec does not describe),
``easyink_method``, ``easyink_path``, ``easyink_attempt``, and where they apply
``easyink_status``, ``easyink_duration_ms``, ``easyink_error`` (exception class),
``easyink_retry_reason`` and ``easyink_retry_delay_s``.
"""

from __future__ import annotations

import logging
from typing import Any

from ._redact import redact_text
from ._validation import route

logger = logging.getLogger("easyink")


def _fields(method: str, path: str, attempt: int, **more: Any) -> dict[str, Any]:
    """The structured ``extra`` fields of one record."""
    found = route(method, path)
    return {
        "easyink_operation": found[0] if found is not None else None,
        "easyink_method": method,
        "easyink_path": path,
        "easyink_attempt": attempt,
        **more,
    }


def debug_enabled() -> bool:
    """True when a DEBUG line of the ``easyink`` logger would be emitted."""
    return logger.isEnabledFor(logging.DEBUG)


def log_request(method: str, path: str, attempt: int) -> None:
    """Log one outgoing attempt."""
    logger.debug(
        "request %s %s attempt=%d", method, path, attempt, extra=_fields(method, path, attempt)
    )


def log_response(method: str, path: str, status: int, attempt: int, elapsed: float) -> None:
    """Log one answer."""
    logger.debug(
        "response %s %s status=%d attempt=%d elapsed=%.1fms",
        method,
        path,
        status,
        attempt,
        elapsed * 1000.0,
        extra=_fields(
            method, path, attempt, easyink_status=status, easyink_duration_ms=elapsed * 1000.0
        ),
    )


def log_failure(method: str, path: str, error: BaseException, attempt: int, elapsed: float) -> None:
    """Log an attempt that ended without an answer."""
    logger.debug(
        "failure %s %s error=%s attempt=%d elapsed=%.1fms",
        method,
        path,
        type(error).__name__,
        attempt,
        elapsed * 1000.0,
        extra=_fields(
            method,
            path,
            attempt,
            easyink_error=type(error).__name__,
            easyink_duration_ms=elapsed * 1000.0,
        ),
    )


def log_retry(method: str, path: str, reason: str, attempt: int, delay: float) -> None:
    """Log the decision to retry after ``attempt``."""
    logger.debug(
        "retry %s %s reason=%s attempt=%d sleep=%.3fs",
        method,
        path,
        redact_text(reason),
        attempt,
        delay,
        extra=_fields(
            method,
            path,
            attempt,
            easyink_retry_reason=redact_text(reason),
            easyink_retry_delay_s=delay,
        ),
    )


def log_refresh(method: str, path: str) -> None:
    """Log a token refresh + replay after a 401."""
    logger.debug(
        "auth %s %s status=401 refreshing token and replaying once",
        method,
        path,
        extra={"easyink_method": method, "easyink_path": path, "easyink_status": 401},
    )
