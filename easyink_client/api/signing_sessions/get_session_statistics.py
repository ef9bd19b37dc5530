from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_response import ApiErrorResponse
from ...models.signing_session_statistics import SigningSessionStatistics
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/signingSessions/statistics",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorResponse | SigningSessionStatistics | None:
    if response.status_code == 200:
        response_200 = SigningSessionStatistics.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ApiErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ApiErrorResponse.from_dict(response.json())

        return response_403

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
) -> Response[ApiErrorResponse | SigningSessionStatistics]:
    try:
        parsed = _parse_response(client=client, response=response)
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError, IndexError) as exc:
        typed = getattr(response, "malformed", None)
        error = typed(exc, "getSessionStatistics") if typed is not None else None
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
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiErrorResponse | SigningSessionStatistics]:
    """Session statistics

     Summary counts of the caller's signing sessions grouped by status (sessions to sign, drafts,
    ready to start, in progress, needing action), only over the sessions visible to the caller.

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[ApiErrorResponse | SigningSessionStatistics]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorResponse | SigningSessionStatistics | None:
    """Session statistics

     Summary counts of the caller's signing sessions grouped by status (sessions to sign, drafts,
    ready to start, in progress, needing action), only over the sessions visible to the caller.

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        ApiErrorResponse | SigningSessionStatistics
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiErrorResponse | SigningSessionStatistics]:
    """Session statistics

     Summary counts of the caller's signing sessions grouped by status (sessions to sign, drafts,
    ready to start, in progress, needing action), only over the sessions visible to the caller.

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[ApiErrorResponse | SigningSessionStatistics]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorResponse | SigningSessionStatistics | None:
    """Session statistics

     Summary counts of the caller's signing sessions grouped by status (sessions to sign, drafts,
    ready to start, in progress, needing action), only over the sessions visible to the caller.

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        ApiErrorResponse | SigningSessionStatistics
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
