"""Auto-pagination over ``searchSessions``.

:func:`session_items` yields :class:`~easyink_client.models.SigningSessionItem` one by one and
fetches the next page only when the previous one is used up; :func:`session_pages` yields
whole pages. Both take the ``searchSessions`` call to page with: ``ei.sessions.search`` (what
``ei.sessions.list`` and ``ei.iter_sessions`` use). :func:`iter_sessions` and
:func:`search_pages` do the same with the generated ``search_sessions`` function and a
generated client. Paging is by page index: sessions created or deleted while iterating
may shift items between pages; an item already yielded is never yielded twice.

A server's ``pagesCount`` is not trusted: paging stops at the first page that brings no
session not seen on an earlier page, and after ``max_pages`` pages (default
:data:`DEFAULT_MAX_PAGES`; ``None`` for no cap).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping
from enum import Enum
from typing import Protocol
from uuid import UUID

import attrs
import httpx

from easyink_client import AuthenticatedClient, Client
from easyink_client.api.signing_sessions import search_sessions
from easyink_client.models.search_status import SearchStatus
from easyink_client.models.signing_session_item import SigningSessionItem
from easyink_client.models.signing_session_search_result import SigningSessionSearchResult
from easyink_client.types import UNSET, Unset

from .errors import EasyInkError

__all__ = [
    "DEFAULT_MAX_PAGES",
    "MAX_PAGE_SIZE",
    "PropertySorting",
    "SortableProperty",
    "iter_sessions",
    "search_pages",
    "session_items",
    "session_pages",
    "sort_by",
    "sorting_to_query",
]

MAX_PAGE_SIZE = 100


class SortableProperty(str, Enum):
    """A property search results can be sorted by."""

    CREATED = "created"
    SUBJECT = "subject"
    STATUS = "status"

    def __str__(self) -> str:
        return str(self.value)


@attrs.frozen
class PropertySorting:
    """One sorting rule of a search, sent as ``name`` or ``name:desc`` in ``sorting.properties``."""

    property_name: SortableProperty = attrs.field(converter=SortableProperty)
    is_descending: bool = False


DEFAULT_MAX_PAGES = 1000

SortRule = PropertySorting | str


def sort_by(property_name: SortableProperty | str, *, descending: bool = False) -> PropertySorting:
    """A sorting rule, e.g. ``sort_by("created", descending=True)``."""
    return PropertySorting(property_name=SortableProperty(property_name), is_descending=descending)


def sorting_to_query(sorting: Iterable[SortRule]) -> list[str]:
    """Serialise sorting rules to the ``sorting.properties`` form (``name`` or ``name:desc``)."""
    out: list[str] = []
    for rule in sorting:
        if isinstance(rule, PropertySorting):
            name = rule.property_name.value
            out.append(f"{name}:desc" if rule.is_descending is True else name)
        else:
            out.append(str(rule))
    return out


class _Search(Protocol):
    """A ``searchSessions`` call: ``ei.sessions.search`` or the generated function, adapted."""

    def __call__(
        self,
        *,
        page_index: int | Unset = ...,
        page_size: int | Unset = ...,
        sorting_properties: list[str] | Unset = ...,
        statuses: list[SearchStatus] | Unset = ...,
        timeout: float | httpx.Timeout | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
    ) -> Awaitable[SigningSessionSearchResult]: ...


def _generated_search(client: AuthenticatedClient | Client) -> _Search:
    """The generated ``search_sessions`` function as a :class:`_Search` (typed errors only)."""

    async def search(
        *,
        page_index: int | Unset = 0,
        page_size: int | Unset = 20,
        sorting_properties: list[str] | Unset = UNSET,
        statuses: list[SearchStatus] | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SigningSessionSearchResult:
        page = await search_sessions.asyncio(
            client=client,
            page_index=page_index,
            page_size=page_size,
            statuses=statuses,
            sorting_properties=sorting_properties,
        )
        if not isinstance(page, SigningSessionSearchResult):
            raise EasyInkError(f"searchSessions returned no result page (page {page_index})")
        return page

    return search


async def search_pages(
    client: AuthenticatedClient | Client,
    *,
    statuses: Iterable[SearchStatus | str] | None = None,
    sorting: Iterable[SortRule] | None = None,
    page_size: int = 20,
    start_page: int = 0,
    max_pages: int | None = DEFAULT_MAX_PAGES,
) -> AsyncIterator[SigningSessionSearchResult]:
    """Yield result pages from ``start_page`` until the last one (see the module docstring)."""
    pages = session_pages(
        _generated_search(client),
        statuses=statuses,
        sorting=sorting,
        page_size=page_size,
        start_page=start_page,
        max_pages=max_pages,
    )
    async for page in pages:
        yield page


async def iter_sessions(
    client: AuthenticatedClient | Client,
    *,
    statuses: Iterable[SearchStatus | str] | None = None,
    sorting: Iterable[SortRule] | None = None,
    page_size: int = 20,
    max_pages: int | None = DEFAULT_MAX_PAGES,
) -> AsyncIterator[SigningSessionItem]:
    """Yield every matching session, fetching pages lazily."""
    items = session_items(
        _generated_search(client),
        statuses=statuses,
        sorting=sorting,
        page_size=page_size,
        max_pages=max_pages,
    )
    async for item in items:
        yield item


async def session_pages(
    search: _Search,
    *,
    statuses: Iterable[SearchStatus | str] | None = None,
    sorting: Iterable[SortRule] | None = None,
    page_size: int = 20,
    start_page: int = 0,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> AsyncIterator[SigningSessionSearchResult]:
    """Yield the result pages of ``search`` (``ei.sessions.search``) with the module's bounds."""
    if max_pages is not None and max_pages < 1:
        raise ValueError("max_pages must be >= 1 or None")
    status_list: list[SearchStatus] | Unset = (
        UNSET if statuses is None else [SearchStatus(s) for s in statuses]
    )
    sort_list: list[str] | Unset = UNSET if sorting is None else sorting_to_query(sorting)
    page_index = start_page
    seen: set[UUID] = set()
    fetched = 0
    while True:
        page = await search(
            page_index=page_index,
            page_size=page_size,
            statuses=status_list,
            sorting_properties=sort_list,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        ids = {item.id for item in page.items or []}
        fetched += 1
        new = ids - seen
        seen |= ids
        yield page
        if not new or page_index + 1 >= page.pages_count:
            return
        if max_pages is not None and fetched >= max_pages:
            return
        page_index += 1


async def session_items(
    search: _Search,
    *,
    statuses: Iterable[SearchStatus | str] | None = None,
    sorting: Iterable[SortRule] | None = None,
    page_size: int = 20,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> AsyncIterator[SigningSessionItem]:
    """Yield every session the pages of ``search`` list, once each, fetching pages lazily."""
    seen: set[UUID] = set()
    pages = session_pages(
        search,
        statuses=statuses,
        sorting=sorting,
        page_size=page_size,
        max_pages=max_pages,
        timeout=timeout,
        extra_headers=extra_headers,
    )
    async for page in pages:
        for item in page.items or []:
            if item.id not in seen:
                seen.add(item.id)
                yield item
