from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...types import Response


def _get_kwargs(
    signing_session_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "head",
        "url": "/api/signingSessions/{signing_session_id}".format(
            signing_session_id=quote(str(signing_session_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | None:
    if response.status_code == 200:
        return None

    if response.status_code == 400:
        return None

    if response.status_code == 401:
        return None

    if response.status_code == 403:
        return None

    if response.status_code == 404:
        return None

    if response.status_code == 429:
        return None

    if response.status_code == 500:
        return None

    if response.status_code == 503:
        return None

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any]:
    try:
        parsed = _parse_response(client=client, response=response)
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError, IndexError) as exc:
        typed = getattr(response, "malformed", None)
        error = typed(exc, "sessionExists") if typed is not None else None
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
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any]:
    """Session exists

     Lightweight check for signing session existence: only the status code is returned
    (200 exists, 404 does not).

    Args:
        signing_session_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        signing_session_id=signing_session_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


async def asyncio_detailed(
    signing_session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any]:
    """Session exists

     Lightweight check for signing session existence: only the status code is returned
    (200 exists, 404 does not).

    Args:
        signing_session_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = _get_kwargs(
        signing_session_id=signing_session_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)
