"""The generated models parse the API's date-times on every Python and never hand back raw values.

Date-time and date properties parse with python-dateutil (``fromisoformat`` before Python 3.11
rejects ``"2024-12-17T10:00:00Z"``); a union or nullable property whose value matches none of its
variants raises ``ValueError`` naming the field instead of returning the raw value.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any
from uuid import UUID

import httpx
import pytest

import easyink_client
from easyink_client.models import (
    SigningSessionItem,
    SigningSessionSearchResult,
    SigningViewParticipant,
)
from easyink_client.types import UNSET
from easyink_ext import EasyInk, iter_sessions

SESSION_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
UTC = dt.timezone.utc


def _item(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": SESSION_ID,
        "subject": "Employment Agreement",
        "created": "2024-12-17T10:00:00Z",
        "status": "Draft",
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not ...}


def _page(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": list(items),
        "totalItemsCount": len(items),
        "pagesCount": 1,
        "pageIndex": 0,
        "pageSize": 20,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-12-17T10:00:00Z", dt.datetime(2024, 12, 17, 10, 0, tzinfo=UTC)),
        ("2024-12-17T10:00:00.12Z", dt.datetime(2024, 12, 17, 10, 0, 0, 120000, tzinfo=UTC)),
        # seven fractional digits, as .NET servers write them: cut to microseconds
        ("2024-12-17T10:00:00.1234567Z", dt.datetime(2024, 12, 17, 10, 0, 0, 123456, tzinfo=UTC)),
        (
            "2024-12-17T12:00:00+02:00",
            dt.datetime(2024, 12, 17, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ),
    ],
)
def test_date_times_parse_on_every_python(text: str, expected: dt.datetime) -> None:
    item = SigningSessionItem.from_dict(_item(created=text))
    assert item.created == expected
    assert item.created.utcoffset() == expected.utcoffset()
    # serialisation is unchanged: ISO 8601 with the offset
    assert item.to_dict()["created"] == expected.isoformat()


def test_nullable_date_time_parses_and_keeps_none_and_absence() -> None:
    base = {"participantId": SESSION_ID, "role": "Signer", "status": "Signed"}
    signed = SigningViewParticipant.from_dict({**base, "signedAt": "2024-12-18T08:30:00Z"})
    assert signed.signed_at == dt.datetime(2024, 12, 18, 8, 30, tzinfo=UTC)
    assert SigningViewParticipant.from_dict({**base, "signedAt": None}).signed_at is None
    assert SigningViewParticipant.from_dict(base).signed_at is UNSET


def test_an_unparseable_date_time_names_the_field() -> None:
    base = {"participantId": SESSION_ID, "role": "Signer", "status": "Signed"}
    with pytest.raises(ValueError, match=r"^signedAt: expected datetime\.datetime \| None"):
        SigningViewParticipant.from_dict({**base, "signedAt": "yesterday"})
    with pytest.raises(ValueError, match=r"signedAt: .*got int"):
        SigningViewParticipant.from_dict({**base, "signedAt": 1734429600})


def test_search_result_with_a_malformed_item_raises_naming_the_field() -> None:
    broken = {"id": SESSION_ID, "subject": "x"}  # no created, no status
    with pytest.raises(ValueError, match=r"^items: expected list\[SigningSessionItem\] \| None"):
        SigningSessionSearchResult.from_dict(_page(broken))
    with pytest.raises(ValueError, match="KeyError: 'created'"):
        SigningSessionSearchResult.from_dict(_page(_item(), broken))


def test_search_result_with_items_of_the_wrong_type_raises() -> None:
    with pytest.raises(ValueError, match=r"items: .*got dict"):
        SigningSessionSearchResult.from_dict(_page() | {"items": {"id": SESSION_ID}})
    with pytest.raises(ValueError, match=r"items: .*got list; ValueError: dictionary update"):
        SigningSessionSearchResult.from_dict(_page() | {"items": ["not an object"]})


def test_well_formed_search_result_still_parses_into_models() -> None:
    page = SigningSessionSearchResult.from_dict(_page(_item(), _item(id=str(UUID(int=7)))))
    assert page.items is not None
    assert [type(i) for i in page.items] == [SigningSessionItem, SigningSessionItem]
    assert SigningSessionSearchResult.from_dict(_page() | {"items": None}).items is None


def test_a_plain_variant_of_the_wrong_type_is_refused() -> None:
    base = {"participantId": SESSION_ID, "role": "Signer", "status": "Signed"}
    assert SigningViewParticipant.from_dict({**base, "email": "a@example.com"}).email == (
        "a@example.com"
    )
    with pytest.raises(ValueError, match=r"^email: expected None \| str \| Unset, got dict"):
        SigningViewParticipant.from_dict({**base, "email": {"address": "a@example.com"}})


def test_no_generated_module_parses_with_fromisoformat_or_returns_raw_union_values() -> None:
    package = pathlib.Path(easyink_client.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "fromisoformat" in text:
            offenders.append(f"{path.name}: fromisoformat")
        if "except (TypeError, ValueError, AttributeError, KeyError):\n" in text:
            offenders.append(f"{path.name}: union failure swallowed")
    assert offenders == []


async def test_iter_sessions_raises_on_a_malformed_item_and_never_yields_a_dict() -> None:
    pages = [_page(_item()), _page(_item(id=str(UUID(int=9))), {"id": SESSION_ID})]

    def handler(request: httpx.Request) -> httpx.Response:
        index = int(request.url.params["pageIndex"])
        body = pages[index] | {"pagesCount": len(pages), "pageIndex": index}
        return httpx.Response(200, json=body)

    seen: list[object] = []
    async with EasyInk(
        base_url="http://api.test", token="t", transport=httpx.MockTransport(handler)
    ) as ei:
        with pytest.raises(ValueError, match=r"items: .*KeyError: 'created'"):
            async for item in iter_sessions(ei.client):
                seen.append(item)
    assert [type(i) for i in seen] == [SigningSessionItem]
