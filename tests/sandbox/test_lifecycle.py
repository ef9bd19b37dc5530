"""The full lifecycle in process: PDFs produced, search, sorting, paging and statistics."""

from __future__ import annotations

import io

import httpx
from pypdf import PdfReader

from easyink_sandbox import Sandbox

from .conftest import Drafts


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_finished_session_pdfs(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid, did, (a, b) = await drafts.started(signers=2)
    view = (await client.get(f"/api/signingSessions/{sid}")).json()
    assert view["status"] == "Pending" and view["allInOneDocument"]["status"] == "NotAvailable"
    await client.post(f"/sandbox/signingSessions/{sid}/participants/{a}/sign")
    assert (await client.get(f"/api/signingSessions/{sid}")).json()["status"] == "InProgress"
    await client.post(f"/sandbox/signingSessions/{sid}/participants/{b}/sign")
    view = (await client.get(f"/api/signingSessions/{sid}")).json()
    assert view["status"] == "Finished" and view["allInOneDocument"]["status"] == "Ready"
    assert all(
        p["status"] == "Signed" and p["signedAt"].endswith("Z") for p in view["participants"]
    )
    by_person = {s["participantId"]: s for s in view["signedDocuments"]}
    assert set(by_person) == {a, b}
    r = await client.get(
        f"/api/signingSessions/{sid}/signedDocuments/{by_person[a]['signedDocumentId']}"
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = text_of(r.content)
    assert "Signer0 Person" in text and "UTC" in text and "Signer1 Person" not in text
    r = await client.get(f"/api/signingSessions/{sid}/allInOneDocument")
    text = text_of(r.content)
    assert "Signer0 Person" in text and "Signer1 Person" in text and "Contract" in text
    for event in (
        "created",
        "uploaded",
        "added",
        "converted",
        "started",
        "Invitation",
        "signed",
        "finished",
    ):
        assert event in text, event
    original = await client.get(f"/api/signingSessions/{sid}/documents/{did}")
    assert "Signer0" not in text_of(original.content)


async def test_void_in_audit_trail_and_search(
    client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts
) -> None:
    first = await drafts.create("b-draft")
    sandbox.advance_time(1)
    started, _, _ = await drafts.started()
    sandbox.advance_time(1)
    third = await drafts.create("a-draft")
    await client.post(f"/api/signingSessions/{started}/voided", json={"reason": "gone"})
    assert "voided: gone" in sandbox.store.sessions[started].events[-1].text

    async def ids(**params: object) -> list[str]:
        r = await client.get("/api/signingSessions", params=params)  # type: ignore[arg-type]
        assert r.status_code == 200, r.text
        return [item["id"] for item in r.json()["items"]]

    assert await ids() == [third, started, first]
    assert await ids(**{"sorting.properties": ["created:asc"]}) == [first, started, third]
    assert await ids(**{"sorting.properties": ["subject"]}) == [third, started, first]
    assert await ids(**{"sorting.properties": ["status:desc", "subject:asc"]}) == [
        started,
        third,
        first,
    ]
    assert await ids(statuses=["Draft"]) == [third, first]
    assert await ids(statuses=["Voided", "Draft"]) == [third, started, first]
    page = (await client.get("/api/signingSessions", params={"pageSize": 2, "pageIndex": 1})).json()
    assert (page["totalItemsCount"], page["pagesCount"], page["pageIndex"], page["pageSize"]) == (
        3,
        2,
        1,
        2,
    )
    assert [i["id"] for i in page["items"]] == [first]
    r = await client.get("/api/signingSessions", params={"sorting.properties": "size"})
    assert r.status_code == 400


async def test_need_to_sign_and_statistics(
    client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts
) -> None:
    sid = await drafts.create()
    did = await drafts.upload(sid)
    me = (await client.post(f"/api/signingSessionDrafts/{sid}/participants/me")).json()
    assert me["email"] == "sandbox-user@sandbox.easyink.example" and me["deliveryMethods"] == []
    await drafts.field(sid, me["id"], did)
    await client.post(f"/api/signingSessionDrafts/{sid}/convert")
    stats = (await client.get("/api/signingSessions/statistics")).json()
    assert stats["readyToStartCount"] == 1
    await client.post(f"/api/signingSessions/{sid}/start")
    items = (await client.get("/api/signingSessions", params={"statuses": ["NeedToSign"]})).json()[
        "items"
    ]
    assert [i["id"] for i in items] == [sid] and items[0]["currentUserNeedToSign"] is True
    assert items[0]["hasNotificationErrors"] is True
    stats = (await client.get("/api/signingSessions/statistics")).json()
    assert stats == {
        "sessionsToSignCount": 1,
        "draftsCount": 0,
        "readyToStartCount": 0,
        "inProgressCount": 1,
        "needsActionCount": 1,
    }
    in_progress = (
        await client.get("/api/signingSessions", params={"statuses": ["InProgress"]})
    ).json()
    assert in_progress["totalItemsCount"] == 1
