from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_response import ApiErrorResponse
from ...types import File, Response


def _get_kwargs(
    signing_session_id: UUID,
    attachment_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/signingSessions/{signing_session_id}/attachments/{attachment_id}".format(
            signing_session_id=quote(str(signing_session_id), safe=""),
            attachment_id=quote(str(attachment_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorResponse | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 206:
        response_206 = File(payload=BytesIO(response.content))

        return response_206

    if response.status_code == 400:
        response_400 = ApiErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ApiErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ApiErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ApiErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 416:
        response_416 = ApiErrorResponse.from_dict(response.json())

        return response_416

    if response.status_code == 429:
        response_429 = ApiErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ApiErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ApiErrorResponse.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApiErrorResponse | File]:
    try:
        parsed = _parse_response(client=client, response=response)
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError, IndexError) as exc:
        typed = getattr(response, "malformed", None)
        error = typed(exc, "downloadSessionAttachment") if typed is not None else None
        if error is None:
            raise
        raise error from exc
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    signing_session_id: UUID,
    attachment_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiErrorResponse | File]:
    """Download session attachment

     Downloads an attachment (reference document, not signed) of a session. Available in every
    status except Draft.

    Args:
        signing_session_id (UUID):
        attachment_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[ApiErrorResponse | File]
    """

    kwargs = _get_kwargs(
        signing_session_id=signing_session_id,
        attachment_id=attachment_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    signing_session_id: UUID,
    attachment_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorResponse | File | None:
    """Download session attachment

     Downloads an attachment (reference document, not signed) of a session. Available in every
    status except Draft.

    Args:
        signing_session_id (UUID):
        attachment_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        ApiErrorResponse | File
    """

    return sync_detailed(
        signing_session_id=signing_session_id,
        attachment_id=attachment_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    signing_session_id: UUID,
    attachment_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiErrorResponse | File]:
    """Download session attachment

     Downloads an attachment (reference document, not signed) of a session. Available in every
    status except Draft.

    Args:
        signing_session_id (UUID):
        attachment_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[ApiErrorResponse | File]
    """

    kwargs = _get_kwargs(
        signing_session_id=signing_session_id,
        attachment_id=attachment_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    signing_session_id: UUID,
    attachment_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorResponse | File | None:
    """Download session attachment

     Downloads an attachment (reference document, not signed) of a session. Available in every
    status except Draft.

    Args:
        signing_session_id (UUID):
        attachment_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        ApiErrorResponse | File
    """

    return (
        await asyncio_detailed(
            signing_session_id=signing_session_id,
            attachment_id=attachment_id,
            client=client,
        )
    ).parsed
