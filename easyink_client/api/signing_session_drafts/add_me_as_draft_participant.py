from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_response import ApiErrorResponse
from ...models.signing_configuration_participant import SigningConfigurationParticipant
from ...types import Response


def _get_kwargs(
    signing_session_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/signingSessionDrafts/{signing_session_id}/participants/me".format(
            signing_session_id=quote(str(signing_session_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorResponse | SigningConfigurationParticipant | None:
    if response.status_code == 200:
        response_200 = SigningConfigurationParticipant.from_dict(response.json())

        return response_200

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
) -> Response[ApiErrorResponse | SigningConfigurationParticipant]:
    try:
        parsed = _parse_response(client=client, response=response)
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError, IndexError) as exc:
        typed = getattr(response, "malformed", None)
        error = typed(exc, "addMeAsDraftParticipant") if typed is not None else None
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
) -> Response[ApiErrorResponse | SigningConfigurationParticipant]:
    """Add myself as participant

     Adds the currently authenticated user as a participant, with name and email taken from the
    user's profile. No delivery method is set: use Update participant to choose one.

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
        Response[ApiErrorResponse | SigningConfigurationParticipant]
    """

    kwargs = _get_kwargs(
        signing_session_id=signing_session_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    signing_session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorResponse | SigningConfigurationParticipant | None:
    """Add myself as participant

     Adds the currently authenticated user as a participant, with name and email taken from the
    user's profile. No delivery method is set: use Update participant to choose one.

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
        ApiErrorResponse | SigningConfigurationParticipant
    """

    return sync_detailed(
        signing_session_id=signing_session_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    signing_session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiErrorResponse | SigningConfigurationParticipant]:
    """Add myself as participant

     Adds the currently authenticated user as a participant, with name and email taken from the
    user's profile. No delivery method is set: use Update participant to choose one.

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
        Response[ApiErrorResponse | SigningConfigurationParticipant]
    """

    kwargs = _get_kwargs(
        signing_session_id=signing_session_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    signing_session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorResponse | SigningConfigurationParticipant | None:
    """Add myself as participant

     Adds the currently authenticated user as a participant, with name and email taken from the
    user's profile. No delivery method is set: use Update participant to choose one.

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
        ApiErrorResponse | SigningConfigurationParticipant
    """

    return (
        await asyncio_detailed(
            signing_session_id=signing_session_id,
            client=client,
        )
    ).parsed
