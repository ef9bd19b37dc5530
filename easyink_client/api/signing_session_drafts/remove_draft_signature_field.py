from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_response import ApiErrorResponse
from ...types import Response


def _get_kwargs(
    signing_session_id: UUID,
    signature_field_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/signingSessionDrafts/{signing_session_id}/signatureFields/{signature_field_id}".format(
            signing_session_id=quote(str(signing_session_id), safe=""),
            signature_field_id=quote(str(signature_field_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorResponse | list[UUID] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = UUID(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[ApiErrorResponse | list[UUID]]:
    try:
        parsed = _parse_response(client=client, response=response)
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError, IndexError) as exc:
        typed = getattr(response, "malformed", None)
        error = typed(exc, "removeDraftSignatureField") if typed is not None else None
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
    signature_field_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiErrorResponse | list[UUID]]:
    """Remove signature field

     Removes a signature field. Cascade: every field whose `dependsOn` points to it (directly or
    transitively) is removed as well, e.g. a date field depending on a signature field.
    Returns the ids of all removed fields (the requested one plus its dependents).

    Args:
        signing_session_id (UUID):
        signature_field_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[ApiErrorResponse | list[UUID]]
    """

    kwargs = _get_kwargs(
        signing_session_id=signing_session_id,
        signature_field_id=signature_field_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    signing_session_id: UUID,
    signature_field_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorResponse | list[UUID] | None:
    """Remove signature field

     Removes a signature field. Cascade: every field whose `dependsOn` points to it (directly or
    transitively) is removed as well, e.g. a date field depending on a signature field.
    Returns the ids of all removed fields (the requested one plus its dependents).

    Args:
        signing_session_id (UUID):
        signature_field_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        ApiErrorResponse | list[UUID]
    """

    return sync_detailed(
        signing_session_id=signing_session_id,
        signature_field_id=signature_field_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    signing_session_id: UUID,
    signature_field_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiErrorResponse | list[UUID]]:
    """Remove signature field

     Removes a signature field. Cascade: every field whose `dependsOn` points to it (directly or
    transitively) is removed as well, e.g. a date field depending on a signature field.
    Returns the ids of all removed fields (the requested one plus its dependents).

    Args:
        signing_session_id (UUID):
        signature_field_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[ApiErrorResponse | list[UUID]]
    """

    kwargs = _get_kwargs(
        signing_session_id=signing_session_id,
        signature_field_id=signature_field_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    signing_session_id: UUID,
    signature_field_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorResponse | list[UUID] | None:
    """Remove signature field

     Removes a signature field. Cascade: every field whose `dependsOn` points to it (directly or
    transitively) is removed as well, e.g. a date field depending on a signature field.
    Returns the ids of all removed fields (the requested one plus its dependents).

    Args:
        signing_session_id (UUID):
        signature_field_id (UUID):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        ApiErrorResponse | list[UUID]
    """

    return (
        await asyncio_detailed(
            signing_session_id=signing_session_id,
            signature_field_id=signature_field_id,
            client=client,
        )
    ).parsed
