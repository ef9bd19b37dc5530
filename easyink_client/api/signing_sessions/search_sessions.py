from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_response import ApiErrorResponse
from ...models.search_status import SearchStatus
from ...models.signing_session_search_result import SigningSessionSearchResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page_index: int | Unset = 0,
    page_size: int | Unset = 20,
    sorting_properties: list[str] | Unset = UNSET,
    statuses: list[SearchStatus] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["pageIndex"] = page_index

    params["pageSize"] = page_size

    json_sorting_properties: list[str] | Unset = UNSET
    if not isinstance(sorting_properties, Unset):
        json_sorting_properties = sorting_properties

    params["sorting.properties"] = json_sorting_properties

    json_statuses: list[str] | Unset = UNSET
    if not isinstance(statuses, Unset):
        json_statuses = []
        for statuses_item_data in statuses:
            statuses_item = statuses_item_data.value
            json_statuses.append(statuses_item)

    params["statuses"] = json_statuses

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/signingSessions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorResponse | SigningSessionSearchResult | None:
    if response.status_code == 200:
        response_200 = SigningSessionSearchResult.from_dict(response.json())

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
) -> Response[ApiErrorResponse | SigningSessionSearchResult]:
    try:
        parsed = _parse_response(client=client, response=response)
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError, IndexError) as exc:
        typed = getattr(response, "malformed", None)
        error = typed(exc, "searchSessions") if typed is not None else None
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
    page_index: int | Unset = 0,
    page_size: int | Unset = 20,
    sorting_properties: list[str] | Unset = UNSET,
    statuses: list[SearchStatus] | Unset = UNSET,
) -> Response[ApiErrorResponse | SigningSessionSearchResult]:
    """Search sessions

     Searches the caller's signing sessions with status filters, paging and sorting.
    Sorting rules (`sorting.properties`) apply in order of priority; each is a property name
    (`created`, `subject` or `status`), optionally followed by `:asc` or `:desc` (serialization
    inferred).

    Args:
        page_index (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 20.
        sorting_properties (list[str] | Unset):
        statuses (list[SearchStatus] | Unset):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[ApiErrorResponse | SigningSessionSearchResult]
    """

    kwargs = _get_kwargs(
        page_index=page_index,
        page_size=page_size,
        sorting_properties=sorting_properties,
        statuses=statuses,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    page_index: int | Unset = 0,
    page_size: int | Unset = 20,
    sorting_properties: list[str] | Unset = UNSET,
    statuses: list[SearchStatus] | Unset = UNSET,
) -> ApiErrorResponse | SigningSessionSearchResult | None:
    """Search sessions

     Searches the caller's signing sessions with status filters, paging and sorting.
    Sorting rules (`sorting.properties`) apply in order of priority; each is a property name
    (`created`, `subject` or `status`), optionally followed by `:asc` or `:desc` (serialization
    inferred).

    Args:
        page_index (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 20.
        sorting_properties (list[str] | Unset):
        statuses (list[SearchStatus] | Unset):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        ApiErrorResponse | SigningSessionSearchResult
    """

    return sync_detailed(
        client=client,
        page_index=page_index,
        page_size=page_size,
        sorting_properties=sorting_properties,
        statuses=statuses,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page_index: int | Unset = 0,
    page_size: int | Unset = 20,
    sorting_properties: list[str] | Unset = UNSET,
    statuses: list[SearchStatus] | Unset = UNSET,
) -> Response[ApiErrorResponse | SigningSessionSearchResult]:
    """Search sessions

     Searches the caller's signing sessions with status filters, paging and sorting.
    Sorting rules (`sorting.properties`) apply in order of priority; each is a property name
    (`created`, `subject` or `status`), optionally followed by `:asc` or `:desc` (serialization
    inferred).

    Args:
        page_index (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 20.
        sorting_properties (list[str] | Unset):
        statuses (list[SearchStatus] | Unset):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        Response[ApiErrorResponse | SigningSessionSearchResult]
    """

    kwargs = _get_kwargs(
        page_index=page_index,
        page_size=page_size,
        sorting_properties=sorting_properties,
        statuses=statuses,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    page_index: int | Unset = 0,
    page_size: int | Unset = 20,
    sorting_properties: list[str] | Unset = UNSET,
    statuses: list[SearchStatus] | Unset = UNSET,
) -> ApiErrorResponse | SigningSessionSearchResult | None:
    """Search sessions

     Searches the caller's signing sessions with status filters, paging and sorting.
    Sorting rules (`sorting.properties`) apply in order of priority; each is a property name
    (`created`, `subject` or `status`), optionally followed by `:asc` or `:desc` (serialization
    inferred).

    Args:
        page_index (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 20.
        sorting_properties (list[str] | Unset):
        statuses (list[SearchStatus] | Unset):

    Raises:
        With easyink_ext.EasyInk().client (asyncio variants; the sync ones raise TypeError): the
        typed errors of easyink_ext.errors (every non-2xx answer, timeouts, connection failures,
        and APIResponseValidationError for a 2xx answer of the wrong shape); the resources
        (ei.drafts, ei.sessions) list them per operation. With a plain Client:
        errors.UnexpectedStatus for an undocumented status when
        Client.raise_on_unexpected_status is True, httpx.TimeoutException after Client.timeout.

    Returns:
        ApiErrorResponse | SigningSessionSearchResult
    """

    return (
        await asyncio_detailed(
            client=client,
            page_index=page_index,
            page_size=page_size,
            sorting_properties=sorting_properties,
            statuses=statuses,
        )
    ).parsed
