"""The SDK's httpx.AsyncClient builds the same requests and keeps the same cookies as httpx."""

from __future__ import annotations

import httpx
import pytest

from easyink_ext import EasyInk
from easyink_ext._http import ApiHttpClient

PATHS = [
    "/api/signingSessionDrafts",
    "/api/signingSessionDrafts/3fa85f64-5717-4562-b3fc-2c963f66afa6/documents",
    "/api/signingSessions/search?page=2&size=50",
    "/api/x/%2F%20encoded",
    "/api/päth with spaces/ünïcode?q=a b&r=é",
    "/api/a;b,c:d@e!$&'()*+=~",
    "api/relative-without-slash",
    "//other.example/path",
    "/api/with#fragment",
    "?only=query",
    "",
    "https://elsewhere.example/absolute?x=1",
]
BASES = [
    "https://api.easyink.io",
    "https://api.easyink.io/",
    "http://127.0.0.1:8123/prefix",
    "http://127.0.0.1:8123/prefix/sub/",
    "https://api.easyink.io/base?tenant=1",
    "",
]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("path", PATHS)
async def test_requests_are_built_exactly_as_httpx_builds_them(base: str, path: str) -> None:
    async with httpx.AsyncClient(base_url=base) as plain, ApiHttpClient(base_url=base) as ours:
        try:
            expected = plain.build_request("GET", path, params={"z": "1"} if "?" in path else None)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            with pytest.raises(type(exc)):
                ours.build_request("GET", path, params={"z": "1"} if "?" in path else None)
            return
        built = ours.build_request("GET", path, params={"z": "1"} if "?" in path else None)
    assert str(built.url) == str(expected.url)
    assert built.url.raw_path == expected.url.raw_path
    assert built.headers.raw == expected.headers.raw


async def test_a_changed_base_url_is_followed() -> None:
    async with ApiHttpClient(base_url="https://one.example/v1") as client:
        assert str(client.build_request("GET", "/a").url) == "https://one.example/v1/a"
        client.base_url = "https://two.example/v2/"  # type: ignore[assignment]
        assert str(client.build_request("GET", "/a").url) == "https://two.example/v2/a"


async def test_cookies_set_by_the_server_are_kept_and_sent_back() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        if request.url.path == "/login":
            return httpx.Response(200, headers={"Set-Cookie": "lb=node-7; Path=/"})
        return httpx.Response(200, headers={"X-Other": "1"})

    transport = httpx.MockTransport(handler)
    async with ApiHttpClient(base_url="https://api.example", transport=transport) as client:
        await client.get("/first")
        await client.get("/login")
        await client.get("/after")
        assert client.cookies["lb"] == "node-7"
        client.cookies = {"manual": "1"}  # type: ignore[assignment]
        await client.get("/manual")
    assert seen == [None, None, "lb=node-7", "manual=1"]


async def test_easyink_sends_through_it() -> None:
    async with EasyInk(base_url="https://api.easyink.io", token="t") as ei:
        assert isinstance(ei.http_client, ApiHttpClient)
        assert isinstance(ei.with_options(max_retries=0).http_client, ApiHttpClient)


async def test_a_read_answer_does_not_refer_to_itself() -> None:
    """httpx binds a stream that refers back to the answer; a read answer drops it, so the
    answer and its request are freed by reference counting, not by the cycle collector."""
    import gc

    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    async with EasyInk(base_url="https://api.easyink.io", token="t", transport=transport) as ei:
        answer = await ei.http_client.get("/api/x")
        assert answer.json() == {"ok": True} and answer.content == b'{"ok":true}'
        assert answer not in gc.get_referents(answer.stream)
        assert [chunk async for chunk in answer.aiter_bytes()] == [b'{"ok":true}']
        async with ei.http_client.stream("GET", "/api/streamed") as streamed:
            assert await streamed.aread() == b'{"ok":true}'  # streaming still works
