"""``with_raw_response`` on every namespace, and the resources of ``with_options`` views."""

from __future__ import annotations

import io
import uuid
from uuid import UUID

import httpx

from easyink_client.models import SigningConfiguration, SigningSessionStatistics
from easyink_ext import EasyInk, RawResponse
from easyink_ext.downloads import DownloadResult

from ..conftest import BASE_URL, TOKEN
from .conftest import build_draft


async def test_raw_responses_carry_status_headers_and_the_parsed_value(ei: EasyInk) -> None:
    created = await ei.drafts.with_raw_response.create(subject="Raw")
    assert isinstance(created, RawResponse)
    assert created.status_code == 200
    assert isinstance(created.parsed, UUID)
    assert created.headers["content-type"].startswith("application/json")

    got = await ei.drafts.with_raw_response.get(created.parsed)
    assert isinstance(got.parsed, SigningConfiguration)
    assert got.parsed.signing_session_id == created.parsed

    statistics = await ei.sessions.with_raw_response.statistics()
    assert isinstance(statistics.parsed, SigningSessionStatistics)

    deleted = await ei.drafts.with_raw_response.delete(created.parsed)
    assert (deleted.status_code, deleted.parsed) == (200, None)


async def test_raw_exists_reports_the_404(ei: EasyInk) -> None:
    missing = await ei.drafts.with_raw_response.exists(uuid.uuid4())
    assert (missing.status_code, missing.parsed) == (404, False)
    assert missing.headers["content-type"].startswith("application/json")  # the server's own
    draft_id = await ei.drafts.create(subject="Here")
    present = await ei.drafts.with_raw_response.exists(draft_id)
    assert (present.status_code, present.parsed) == (200, True)


async def test_raw_on_nested_namespaces(ei: EasyInk) -> None:
    built = await build_draft(ei)
    added = await ei.drafts.participants.with_raw_response.add(built.draft_id, first_name="R")
    assert added.status_code == 200 and isinstance(added.parsed, UUID)
    buffer = io.BytesIO()
    downloaded = await ei.drafts.documents.with_raw_response.download(
        built.draft_id, built.document_id, to=buffer
    )
    assert isinstance(downloaded.parsed, DownloadResult)
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "application/pdf"
    assert int(downloaded.headers["content-length"]) == len(buffer.getvalue())


async def test_views_have_their_own_resources_with_their_settings() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=str(uuid.uuid4()))

    transport = httpx.MockTransport(handler)
    async with EasyInk(base_url=BASE_URL, token=TOKEN, transport=transport, timeout=30) as ei:
        view = ei.with_options(timeout=5)
        assert view.drafts is not ei.drafts
        assert ei.drafts is ei.drafts  # one namespace object per client
        await view.drafts.create(subject="From a view")
        await ei.drafts.create(subject="From the client")
    assert sent[0].extensions["timeout"]["read"] == 5
    assert sent[1].extensions["timeout"]["read"] == 30
