"""The ``httpx.AsyncClient`` every :class:`~easyink_ext.EasyInk` sends through.

It behaves as a plain ``httpx.AsyncClient`` and costs less CPU per request, which counts when
thousands of calls are in flight:

* a path relative to ``base_url`` (what every generated operation passes, e.g.
  ``/api/signingSessionDrafts``) is joined to ``base_url`` as text and parsed once, where
  httpx parses the path and then the joined URL;
* the cookie jar reads an answer's cookies only when it has a ``Set-Cookie`` header (httpx
  builds two ``urllib`` adapter objects for every answer);
* an answer returned read (not streamed) does not keep the stream wrapper httpx binds to it,
  which refers back to the answer: without that reference cycle the answer, its request and
  their headers are freed as soon as the caller drops them, instead of waiting for Python's
  cyclic garbage collector (whose passes over every live object were a sixth of a busy
  client's CPU).
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["ApiHttpClient"]


class _Cookies(httpx.Cookies):
    """A cookie jar that skips answers without cookies."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class ApiHttpClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` with a cheaper path join and cookie jar (see the module docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        cookies = kwargs.pop("cookies", None)
        super().__init__(**kwargs)
        self._jar = _Cookies(cookies)
        self._joined_base: httpx.URL | None = None
        self._prefix: str | None = None

    @property
    def cookies(self) -> httpx.Cookies:
        """Cookie values to include when sending requests (kept from answers)."""
        return self._jar

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._jar = _Cookies(cookies)

    def _join(self, url: str) -> str | None:
        """``base_url`` + ``url`` as one absolute URL, when the text join is what httpx does."""
        if url[:1] != "/" or url[1:2] == "/" or "#" in url:
            return None
        base = self.base_url
        if base is not self._joined_base:
            # httpx keeps base_url with a trailing slash; one with a query is left to httpx.
            self._joined_base = base
            prefix = str(base) if base.is_absolute_url and not base.query else None
            if prefix is not None and not prefix.endswith("/"):
                prefix += "/"  # a bare host: str() leaves out the root path
            self._prefix = prefix
        return None if self._prefix is None else self._prefix + url[1:]

    def build_request(self, method: str, url: Any, **kwargs: Any) -> httpx.Request:
        if isinstance(url, str):
            url = self._join(url) or url
        return super().build_request(method, url, **kwargs)

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = await super().send(request, **kwargs)
        if response.is_closed and response.is_stream_consumed:
            # Read and closed: the bound stream has nothing left to do but close the cycle.
            response.stream = httpx.ByteStream(response.content)
        return response
