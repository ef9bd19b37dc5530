"""Typed errors: one class per status, ApiError parsed, readable one-line messages."""

from __future__ import annotations

import httpx
import pytest

from easyink_client.api.signing_session_drafts import get_draft
from easyink_ext import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    EasyInk,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
)
from easyink_ext.errors import InnerError, status_error_from_response

from ..conftest import DRAFT, DRAFT_ID, MockAPI, api_error

CASES = [
    (400, "ValidationError", BadRequestError),
    (401, "Unauthorized", AuthenticationError),
    (403, "Forbidden", PermissionDeniedError),
    (404, "NotFound", NotFoundError),
    (409, "Conflict", ConflictError),
    (429, "TooManyRequests", RateLimitError),
    (500, "InternalServerError", InternalServerError),
    (502, "BadGateway", InternalServerError),
]


@pytest.mark.parametrize(("status", "code", "cls"), CASES)
async def test_each_status_raises_its_class(
    api: MockAPI, ei: EasyInk, status: int, code: str, cls: type[APIStatusError]
) -> None:
    api.steps = [
        api_error(status, code, f"message for {status}", inner=[{"code": "c", "message": "m"}])
    ]
    with pytest.raises(cls) as info:
        await get_draft.asyncio(DRAFT, client=ei.with_options(max_retries=0).client)
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.code == code
    assert err.message == f"message for {status}"
    assert err.inner_errors == [InnerError("c", "m")]
    assert err.method == "GET"
    assert err.url == f"http://api.test/api/signingSessionDrafts/{DRAFT_ID}"
    text = str(err)
    assert "\n" not in text
    assert text.startswith(f"{status} {code}: message for {status}")


def test_validation_error_is_bad_request_alias() -> None:
    assert ValidationError is BadRequestError


def test_non_api_error_body_gives_status_reason_and_short_excerpt() -> None:
    body = b"<html><body>" + b"upstream exploded " * 100 + b"</body></html>"
    err = status_error_from_response(
        status_code=502, reason="Bad Gateway", body=body, method="GET", url="http://x/api/a"
    )
    assert isinstance(err, InternalServerError)
    assert err.code is None
    assert err.message.startswith("HTTP 502 Bad Gateway - body: <html><body>upstream exploded")
    assert err.message.endswith("...")
    assert len(err.message) < 300
    assert "\n" not in str(err)


def test_empty_body_message() -> None:
    err = status_error_from_response(
        status_code=404, reason="Not Found", body=b"", method="HEAD", url="http://x/api/a"
    )
    assert isinstance(err, NotFoundError)
    assert str(err) == "404: HTTP 404 Not Found (HEAD http://x/api/a)"


def test_outcome_unknown_server_error_is_both() -> None:
    err = status_error_from_response(
        status_code=503,
        reason="Service Unavailable",
        body=b'{"error": {"code": "InternalServerError", "message": "busy"}}',
        method="POST",
        url="http://x/api/signingSessionDrafts",
        outcome_unknown=True,
    )
    assert isinstance(err, InternalServerError)
    assert isinstance(err, OutcomeUnknownError)
    assert "outcome is unknown" in str(err)
    assert "reconcile" in str(err)


def test_rate_limit_error_carries_retry_after() -> None:
    err = status_error_from_response(
        status_code=429, reason="", body=b"", method="GET", url="http://x/", retry_after=3.0
    )
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 3.0


async def test_422_is_a_plain_status_error(api: MockAPI, ei: EasyInk) -> None:
    api.steps = [httpx.Response(422, text="nope")]
    with pytest.raises(APIStatusError) as info:
        await get_draft.asyncio(DRAFT, client=ei.client)
    assert type(info.value) is APIStatusError
    assert info.value.status_code == 422


def test_the_hierarchy_in_errors_docstring_names_every_subclass() -> None:
    """Every EasyInkError subclass defined anywhere in easyink_ext is in errors.py's tree."""
    import importlib
    import pkgutil

    import easyink_ext
    from easyink_ext import errors

    for module in pkgutil.walk_packages(easyink_ext.__path__, "easyink_ext."):
        if not module.name.endswith("__main__"):  # __main__ runs the CLI
            importlib.import_module(module.name)

    def walk(cls: type) -> set[type]:
        found: set[type] = set()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("easyink_ext"):
                found |= {sub} | walk(sub)
        return found

    tree = errors.__doc__ or ""
    missing = sorted(c.__name__ for c in walk(errors.EasyInkError) if c.__name__ not in tree)
    assert missing == []
