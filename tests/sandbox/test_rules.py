"""Business rules of drafts and sessions, each with its documented message (in process)."""

from __future__ import annotations

import io
import zipfile

import httpx

from easyink_sandbox import Sandbox, SandboxConfig, simple_pdf

from .conftest import PLACEMENT, Drafts, error_of, field_body, person

VALIDATION_FAILED = "Validation failed for one or more fields"


def assert_error(r: httpx.Response, status: int, message: str, code: str | None = None) -> None:
    assert r.status_code == status, r.text
    error = error_of(r)
    assert error["message"] == message
    assert error["code"] == (code or {400: "ValidationError", 404: "NotFound"}[status])


async def test_spec_violation_lists_each_field(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    body = {"firstName": "", "phone": "12", "deliveryMethods": ["Fax"], "email": "x" * 300}
    r = await client.post(f"/api/signingSessionDrafts/{sid}/participants", json=body)
    assert_error(r, 400, VALIDATION_FAILED)
    inner = error_of(r)["innerErrors"]
    assert {e["code"] for e in inner} == {"InvalidField"}
    named = " ".join(e["message"] for e in inner)
    for field in ("firstName", "phone", "deliveryMethods[0]", "email"):
        assert f"'{field}'" in named
    assert len(inner) == 4


async def test_required_field_and_bad_uuid(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    r = await client.post(f"/api/signingSessionDrafts/{sid}/signatureFields", json={"field": {}})
    assert_error(r, 400, VALIDATION_FAILED)
    inner = error_of(r)["innerErrors"]
    assert {"code": "RequiredField", "message": "The 'documentId' field is required"} in inner
    assert {"code": "RequiredField", "message": "The 'field.type' field is required"} in inner
    r = await client.get("/api/signingSessionDrafts/not-a-uuid")
    assert_error(r, 400, VALIDATION_FAILED)
    assert "'signingSessionId'" in error_of(r)["innerErrors"][0]["message"]
    r = await client.get("/api/signingSessions", params={"pageSize": "abc"})
    assert_error(r, 400, VALIDATION_FAILED)


async def test_delivery_methods_need_contacts(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    url = f"/api/signingSessionDrafts/{sid}/participants"
    r = await client.post(url, json={"firstName": "A", "deliveryMethods": ["Email"]})
    assert_error(r, 400, VALIDATION_FAILED)
    assert error_of(r)["innerErrors"] == [
        {"code": "RequiredField", "message": "The 'email' field is required"}
    ]
    r = await client.post(url, json={"firstName": "A", "deliveryMethods": ["Sms"]})
    assert error_of(r)["innerErrors"] == [
        {"code": "RequiredField", "message": "The 'phone' field is required"}
    ]
    r = await client.post(
        url, json={"firstName": "A", "phone": "2025551234", "deliveryMethods": ["Sms"]}
    )
    assert r.status_code == 200


async def test_draft_not_found_and_ownership(
    app: object, client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts
) -> None:
    missing = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    r = await client.put(f"/api/signingSessionDrafts/{missing}/signingOrder/allAtOnce")
    assert_error(r, 404, "Signing session draft does not exists")
    r = await client.get(f"/api/signingSessions/{missing}")
    assert_error(r, 404, "The specified signing session ID was not found.")
    sid = await drafts.create("mine")
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url="http://sandbox.test",
        headers={"Authorization": f"Bearer {sandbox.issue_token('someone-else')}"},
    )
    async with other:
        assert (await other.get(f"/api/signingSessionDrafts/{sid}")).status_code == 404
        assert (await other.head(f"/api/signingSessions/{sid}")).status_code == 404
        r = await other.get("/api/signingSessions")
        assert r.json()["totalItemsCount"] == 0
        assert (await other.get("/api/signingSessions/statistics")).json()["draftsCount"] == 0
        own = await other.post("/api/signingSessionDrafts", json={"subject": "theirs"})
        assert own.status_code == 200
    r = await client.get("/api/signingSessions")
    assert [item["subject"] for item in r.json()["items"]] == ["mine"]
    assert (await client.head(f"/api/signingSessionDrafts/{sid}")).status_code == 200


async def test_signing_order_rules(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    a = await drafts.participant(sid, first="A")
    b = await drafts.participant(sid, first="B")
    c = await drafts.participant(sid, first="C")
    url = f"/api/signingSessionDrafts/{sid}/signingOrder/oneByOne"
    r = await client.put(url, json={"participantsOrder": [a]})
    assert_error(
        r, 400, f"There are some participants missed in signing order definition: {b}, {c}"
    )
    stranger = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    r = await client.put(url, json={"participantsOrder": [a, b, c, stranger]})
    assert r.status_code == 400 and stranger in error_of(r)["message"]
    r = await client.put(url, json={"participantsOrder": [c, a, b]})
    assert r.status_code == 200
    draft = (await client.get(f"/api/signingSessionDrafts/{sid}")).json()
    assert draft["signingOrderSettings"] == {"type": "OneByOne", "participantsOrder": [c, a, b]}
    await client.delete(f"/api/signingSessionDrafts/{sid}/participants/{a}")
    draft = (await client.get(f"/api/signingSessionDrafts/{sid}")).json()
    assert draft["signingOrderSettings"]["participantsOrder"] == [c, b]
    assert (
        await client.put(f"/api/signingSessionDrafts/{sid}/signingOrder/allAtOnce")
    ).status_code == 200
    draft = (await client.get(f"/api/signingSessionDrafts/{sid}")).json()
    assert draft["signingOrderSettings"] == {"type": "AllAtOnce", "participantsOrder": None}


async def test_field_rules(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    did = await drafts.upload(sid, simple_pdf(["two pages"], pages=2))
    pid = await drafts.participant(sid)
    url = f"/api/signingSessionDrafts/{sid}/signatureFields"
    r = await client.post(url, json=field_body(pid, did, options={"forType": "Date"}))
    assert_error(r, 400, "Field options must target the field type")
    r = await client.post(url, json=field_body(None, did))
    assert_error(r, 400, "Participant Id is required")
    for axis, key in (("X", "positionX"), ("Y", "positionY")):
        r = await client.post(url, json=field_body(pid, did, placement={**PLACEMENT, key: -1}))
        assert_error(r, 400, f"Position on {axis}-axis cannot be less than 0")
    r = await client.post(url, json=field_body(pid, did, placement={**PLACEMENT, "page": 3}))
    assert r.status_code == 400 and "Page 3 does not exist" in error_of(r)["message"]
    r = await client.post(url, json=field_body(pid, did, placement={**PLACEMENT, "positionX": 500}))
    assert r.status_code == 400
    assert (
        "does not fit on page 1" in error_of(r)["message"] and "612 x 792" in error_of(r)["message"]
    )
    missing = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    r = await client.post(url, json=field_body(pid, missing))
    assert_error(r, 400, f"Document '{missing}' not found")
    sig = await drafts.field(sid, pid, did)
    field_url = f"/api/signingSessionDrafts/{sid}/signatureFields/{sig}"
    r = await client.put(f"{field_url}/options", json={"isRequired": False, "forType": "Initials"})
    assert_error(r, 400, "Field options must target the field type")
    assert (
        await client.put(f"{field_url}/options", json={"isRequired": False, "forType": "Signature"})
    ).status_code == 200
    r = await client.put(f"{field_url}/placement", json={**PLACEMENT, "positionY": -5})
    assert_error(r, 400, "Position on Y-axis cannot be less than 0")
    r = await client.put(f"{field_url}/placement", json={**PLACEMENT, "page": 2, "positionY": 760})
    assert r.status_code == 400
    assert (
        await client.put(f"{field_url}/placement", json={**PLACEMENT, "page": 2})
    ).status_code == 200


async def test_cascades(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    did = await drafts.upload(sid)
    other_doc = await drafts.upload(sid)
    pid = await drafts.participant(sid)
    keep = await drafts.participant(sid, first="Keep")
    sig = await drafts.field(sid, pid, did)
    date = await drafts.field(
        sid, pid, did, type="Date", options={"forType": "Date"}, dependsOn=sig
    )
    text = await drafts.field(
        sid, keep, did, type="Text", options={"forType": "Text"}, dependsOn=date
    )
    lone = await drafts.field(sid, keep, other_doc)
    r = await client.delete(f"/api/signingSessionDrafts/{sid}/signatureFields/{sig}")
    assert r.status_code == 200 and r.json() == [sig, date, text]

    sig2 = await drafts.field(sid, pid, did)
    await drafts.field(sid, keep, did, dependsOn=sig2)
    assert (
        await client.delete(f"/api/signingSessionDrafts/{sid}/participants/{pid}")
    ).status_code == 200
    fields = (await client.get(f"/api/signingSessionDrafts/{sid}")).json()["signatureFields"]
    assert [f["id"] for f in fields] == [lone]

    assert (
        await client.delete(f"/api/signingSessionDrafts/{sid}/documents/{other_doc}")
    ).status_code == 200
    draft = (await client.get(f"/api/signingSessionDrafts/{sid}")).json()
    assert draft["signatureFields"] == [] and [d["id"] for d in draft["documents"]] == [did]


async def test_subject_limit_message(client: httpx.AsyncClient, drafts: Drafts) -> None:
    r = await client.post("/api/signingSessionDrafts", json={"subject": "x" * 501})
    assert_error(r, 400, "Subject cannot exceed 500 characters")
    sid = await drafts.create()
    r = await client.put(f"/api/signingSessionDrafts/{sid}", json={"subject": "y" * 501})
    assert_error(r, 400, "Subject cannot exceed 500 characters")
    ok = await client.put(
        f"/api/signingSessionDrafts/{sid}", json={"subject": "s", "reminderFrequency": "Daily"}
    )
    assert ok.status_code == 200
    draft = (await client.get(f"/api/signingSessionDrafts/{sid}")).json()
    assert (draft["subject"], draft["reminderFrequency"]) == ("s", "Daily")


async def test_convert_and_lock(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    convert = f"/api/signingSessionDrafts/{sid}/convert"
    invalid = (
        "Session configuration is invalid. Check that all documents, participants, and fields"
        " are configured."
    )
    assert_error(await client.post(convert), 400, invalid)
    did = await drafts.upload(sid)
    assert_error(await client.post(convert), 400, invalid)
    pid = await drafts.participant(sid)
    assert_error(await client.post(convert), 400, invalid)
    await drafts.field(sid, pid, did)
    assert_error(
        await client.post(f"/api/signingSessions/{sid}/start"),
        400,
        "The signing session cannot be started in Draft status; convert the draft first",
    )
    assert (await client.post(convert)).status_code == 200
    assert (await client.get(f"/api/signingSessionDrafts/{sid}")).json()["isLocked"] is True
    assert_error(
        await client.delete(f"/api/signingSessionDrafts/{sid}"),
        400,
        "Signing session draft is locked and cannot be removed",
    )
    r = await client.post(f"/api/signingSessionDrafts/{sid}/participants", json=person())
    assert_error(r, 400, "Signing session draft is locked and cannot be modified")
    r = await client.put(
        f"/api/signingSessionDrafts/{sid}/signingOrder/oneByOne", json={"participantsOrder": [pid]}
    )
    assert_error(r, 400, "Signing session draft is locked and cannot be modified")


async def test_start_needs_document(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    r = await client.post(f"/api/signingSessions/{sid}/start")
    assert_error(r, 400, "Session must have at least one document before starting")


async def test_delete_draft(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    assert (await client.delete(f"/api/signingSessionDrafts/{sid}")).status_code == 200
    assert (await client.head(f"/api/signingSessionDrafts/{sid}")).status_code == 404


async def test_upload_formats(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    url = f"/api/signingSessionDrafts/{sid}/documents"
    r = await client.post(url, files={"fileContent": ("notes.txt", b"hello", "text/plain")})
    assert r.status_code == 400
    assert error_of(r)["message"].startswith("Unsupported file format")
    r = await client.post(
        url, files={"fileContent": ("bad.pdf", b"%PDF-1.4 garbage", "application/pdf")}
    )
    assert r.status_code == 400 and "not a readable PDF" in error_of(r)["message"]
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    r = await client.post(
        url, files={"fileContent": ("letter.docx", docx.getvalue(), "application/octet-stream")}
    )
    assert r.status_code == 200
    doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    assert (
        await client.post(url, files={"fileContent": ("old.doc", doc, "application/msword")})
    ).status_code == 200
    r = await client.post(url, data={"other": "x"}, files={"nothing": ("a", b"b")})
    assert r.status_code == 400
    assert {"code": "RequiredField", "message": "The 'fileContent' field is required"} in error_of(
        r
    )["innerErrors"]
    documents = (await client.get(f"/api/signingSessionDrafts/{sid}")).json()["documents"]
    assert [d["pages"][0]["width"] for d in documents] == [595.2755905511812] * 2
    downloaded = await client.get(f"{url}/{documents[0]['id']}")
    assert downloaded.content.startswith(b"%PDF-")


async def test_processing_delay(
    sandbox: Sandbox, client: httpx.AsyncClient, drafts: Drafts
) -> None:
    sandbox.config.processing_delay = 30
    sid = await drafts.create()
    did = await drafts.upload(sid)
    pid = await drafts.participant(sid)
    draft = (await client.get(f"/api/signingSessionDrafts/{sid}")).json()
    assert draft["documents"][0]["status"] == "Processing"
    r = await client.get(f"/api/signingSessionDrafts/{sid}/documents/{did}")
    assert_error(r, 400, "Document processing is in progress. Try again later.")
    r = await client.post(
        f"/api/signingSessionDrafts/{sid}/signatureFields", json=field_body(pid, did)
    )
    assert_error(r, 400, "Document processing is in progress. Try again later.")
    sandbox.advance_time(31)
    assert (await client.get(f"/api/signingSessionDrafts/{sid}/documents/{did}")).status_code == 200
    await drafts.field(sid, pid, did)


async def test_attachments(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    files = {"fileContent": ("terms.pdf", simple_pdf(["Terms"]), "application/pdf")}
    r = await client.post(f"/sandbox/signingSessionDrafts/{sid}/attachments", files=files)
    aid = r.json()
    assert (
        await client.get(f"/api/signingSessionDrafts/{sid}/attachments/{aid}")
    ).status_code == 200
    assert (
        await client.delete(f"/api/signingSessionDrafts/{sid}/attachments/{aid}")
    ).status_code == 200
    r = await client.get(f"/api/signingSessionDrafts/{sid}/attachments/{aid}")
    assert_error(r, 400, f"Attachment '{aid}' not found")
    r = await client.get(f"/api/signingSessions/{sid}/documents/{aid}")
    assert_error(r, 400, f"Document '{aid}' not found")


async def test_session_attachment_not_in_draft(client: httpx.AsyncClient, drafts: Drafts) -> None:
    """Session attachments are "available in all session statuses except Draft"."""
    sid, _, _ = await drafts.ready()
    files = {"fileContent": ("terms.pdf", simple_pdf(["Terms"]), "application/pdf")}
    r = await client.post(f"/sandbox/signingSessionDrafts/{sid}/attachments", files=files)
    aid = r.json()
    url = f"/api/signingSessions/{sid}/attachments/{aid}"
    assert_error(
        await client.get(url),
        400,
        f"Attachment '{aid}' is not available while the signing session is in Draft status",
    )
    assert (await client.post(f"/api/signingSessionDrafts/{sid}/convert")).status_code == 200
    r = await client.get(url)
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF-")
    missing = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    r = await client.get(f"/api/signingSessions/{sid}/attachments/{missing}")
    assert_error(r, 400, f"Attachment '{missing}' not found")


async def test_void_rules(client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts) -> None:
    sid, _, _ = await drafts.started()
    url = f"/api/signingSessions/{sid}/voided"
    for body in ({}, {"reason": None}, {"reason": ""}, {"reason": "   "}):
        assert_error(await client.post(url, json=body), 400, "Voiding reason is required")
    sandbox.set_policy(sid, void_disabled=True)
    assert (await client.get(f"/api/signingSessions/{sid}")).json()["canBeVoided"] is False
    r = await client.post(url, json={"reason": "policy"})
    assert_error(r, 400, "The session cannot be voided due to organization policy.")
    sandbox.set_policy(sid, void_disabled=False)
    assert (await client.post(url, json={"reason": "wrong salary"})).status_code == 200
    assert_error(
        await client.post(url, json={"reason": "again"}),
        400,
        "The session is already in Voided status.",
    )
    missing = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    r = await client.post(f"/api/signingSessions/{missing}/voided", json={"reason": "x"})
    assert_error(r, 404, "The specified signing session ID was not found.")
    assert (await client.get(f"/api/signingSessions/{sid}")).json()["status"] == "Voided"


async def test_duplicate_and_recreate(
    client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts
) -> None:
    sid, _, _ = await drafts.started(signers=2)
    r = await client.post(f"/api/signingSessions/{sid}/duplicate", json={"subject": "Copy"})
    copy = r.json()
    copied = (await client.get(f"/api/signingSessionDrafts/{copy}")).json()
    assert copied["subject"] == "Copy" and copied["isLocked"] is False
    assert len(copied["participants"]) == 2 and len(copied["signatureFields"]) == 2
    assert (await client.get(f"/api/signingSessions/{sid}")).json()["status"] == "Pending"

    r = await client.post(f"/api/signingSessions/{sid}/recreate", json={"subject": "Fixed"})
    assert_error(r, 400, "Voiding reason is required")
    r = await client.post(f"/api/signingSessions/{sid}/recreate", json={"voidReason": "typo"})
    assert r.status_code == 200
    assert (await client.get(f"/api/signingSessionDrafts/{r.json()}")).json()[
        "subject"
    ] == "Agreement"
    assert (await client.get(f"/api/signingSessions/{sid}")).json()["status"] == "Voided"
    r = await client.post(f"/api/signingSessions/{sid}/duplicate", json={})
    assert_error(r, 400, "A signing session in Voided status cannot be copied.")
    sandbox.set_policy(copy, copy_disabled=True)
    r = await client.post(f"/api/signingSessions/{copy}/duplicate", json={})
    assert_error(r, 400, "Copying this signing session is disabled by organization policy.")


async def test_update_session_participant(
    client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts
) -> None:
    sid, _, (first, second) = await drafts.started(signers=2)
    url = f"/api/signingSessions/{sid}/participants"
    store_person = sandbox.store.sessions[sid].participants[first]
    version = store_person.link_version
    r = await client.put(f"{url}/{first}", json={"deliveryMethods": ["Sms"]})
    assert error_of(r)["innerErrors"] == [
        {"code": "RequiredField", "message": "The 'phone' field is required"}
    ]
    r = await client.put(f"{url}/{first}", json={"deliveryMethods": ["Sms"], "phone": "2025551234"})
    assert r.status_code == 200
    assert store_person.link_version == version + 1
    sandbox.open_link(sid, second)
    r = await client.put(f"{url}/{second}", json={"email": "new@example.com"})
    assert_error(
        r,
        400,
        "Delivery method can't be changed because the participant has already used the signing"
        " link",
    )
    nil = "00000000-0000-0000-0000-000000000000"
    assert_error(await client.put(f"{url}/{nil}", json={}), 400, "Participant Id is required")


async def test_signed_document_before_signing(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid, _, _ = await drafts.started()
    view = (await client.get(f"/api/signingSessions/{sid}")).json()
    signed = view["signedDocuments"][0]
    assert signed["processingStatus"] == "Processing"
    r = await client.get(f"/api/signingSessions/{sid}/signedDocuments/{signed['signedDocumentId']}")
    assert_error(r, 400, "Signed document is not available until participant completes signing")


async def test_one_by_one_turns(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid, _, (a, b) = await drafts.ready(signers=2)
    await client.put(
        f"/api/signingSessionDrafts/{sid}/signingOrder/oneByOne", json={"participantsOrder": [b, a]}
    )
    await client.post(f"/api/signingSessionDrafts/{sid}/convert")
    await client.post(f"/api/signingSessions/{sid}/start")
    statuses = {
        p["participantId"]: p["status"]
        for p in (await client.get(f"/api/signingSessions/{sid}")).json()["participants"]
    }
    assert statuses == {a: "Waiting", b: "Pending"}
    r = await client.post(f"/sandbox/signingSessions/{sid}/participants/{a}/sign")
    assert r.status_code == 400 and "not this participant's turn" in error_of(r)["message"]
    assert (await client.post(f"/sandbox/signingSessions/{sid}/participants/{b}/sign")).json()[
        "sessionStatus"
    ] == "InProgress"
    r = await client.post(f"/sandbox/signingSessions/{sid}/participants/{a}/sign")
    assert r.json()["sessionStatus"] == "Finished"


async def test_decline_and_expire(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid, _, (pid,) = await drafts.started()
    r = await client.post(f"/sandbox/signingSessions/{sid}/participants/{pid}/decline")
    assert r.json() == {
        "participantId": pid,
        "participantStatus": "Declined",
        "sessionStatus": "Declined",
    }
    stats = (await client.get("/api/signingSessions/statistics")).json()
    assert stats["needsActionCount"] == 1
    sid2, _, _ = await drafts.started()
    assert (await client.post(f"/sandbox/signingSessions/{sid2}/expire")).json()[
        "status"
    ] == "Expired"
    r = await client.post(f"/api/signingSessions/{sid2}/duplicate", json={})
    assert_error(r, 400, "A signing session in Expired status cannot be copied.")


def test_config_defaults() -> None:
    config = SandboxConfig()
    assert (config.client_id, config.client_secret, config.default_user) == (
        "easyink-sandbox",
        "sandbox-secret",
        "sandbox-user",
    )


async def test_unknown_participant_field_and_signed_document(
    client: httpx.AsyncClient, drafts: Drafts
) -> None:
    missing = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    sid = await drafts.create()
    r = await client.put(f"/api/signingSessionDrafts/{sid}/participants/{missing}", json=person())
    assert_error(r, 400, f"Participant '{missing}' not found")
    r = await client.delete(f"/api/signingSessionDrafts/{sid}/participants/{missing}")
    assert_error(r, 400, f"Participant '{missing}' not found")
    r = await client.delete(f"/api/signingSessionDrafts/{sid}/signatureFields/{missing}")
    assert_error(r, 400, f"Signature field '{missing}' not found")
    r = await client.delete(f"/api/signingSessionDrafts/{sid}/documents/{missing}")
    assert_error(r, 400, f"Document '{missing}' not found")
    started, _, _ = await drafts.started()
    r = await client.get(f"/api/signingSessions/{started}/signedDocuments/{missing}")
    assert_error(r, 400, f"Signed document '{missing}' not found")
    r = await client.get(f"/api/signingSessions/{started}/allInOneDocument")
    assert_error(
        r, 400, "The all-in-one document is not available until every participant has signed"
    )


async def test_void_and_start_by_status(client: httpx.AsyncClient, drafts: Drafts) -> None:
    draft = await drafts.create()
    r = await client.post(f"/api/signingSessions/{draft}/voided", json={"reason": "x"})
    assert_error(r, 400, "A draft cannot be voided; delete it instead.")
    sid, _, (pid,) = await drafts.started()
    assert_error(
        await client.post(f"/api/signingSessions/{sid}/start"),
        400,
        "The signing session cannot be started in Pending status",
    )
    assert (await client.post(f"/sandbox/signingSessions/{sid}/participants/{pid}/sign")).json()[
        "sessionStatus"
    ] == "Finished"
    r = await client.post(f"/api/signingSessions/{sid}/voided", json={"reason": "late"})
    assert_error(r, 400, "The session cannot be voided in Finished status.")
    r = await client.put(f"/api/signingSessions/{sid}/participants/{pid}", json={})
    assert_error(r, 400, "Participants of a signing session in Finished status cannot be updated")
    r = await client.post(f"/sandbox/signingSessions/{sid}/participants/{pid}/sign")
    assert_error(r, 400, "The signing session is in Finished status: participants cannot act on it")
    assert (await client.get(f"/api/signingSessions/{sid}")).json()["status"] == "Finished"


async def test_a_signer_signs_once(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid, _, (a, b) = await drafts.started(signers=2)
    sign = f"/sandbox/signingSessions/{sid}/participants/{a}/sign"
    assert (await client.post(sign)).json()["sessionStatus"] == "InProgress"
    assert_error(await client.post(sign), 400, "The participant has already signed")
    view = (await client.get(f"/api/signingSessions/{sid}")).json()
    assert {p["participantId"]: p["status"] for p in view["participants"]} == {
        a: "Signed",
        b: "Pending",
    }


async def test_another_user_cannot_change_or_read_my_sessions(
    app: object, client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts
) -> None:
    draft = await drafts.create("my draft")
    document = await drafts.upload(draft)
    started, started_doc, (signer,) = await drafts.started()
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url="http://sandbox.test",
        headers={"Authorization": f"Bearer {sandbox.issue_token('someone-else')}"},
    )
    files = {"fileContent": ("x.pdf", simple_pdf(["x"]), "application/pdf")}
    async with other:
        attempts = [
            other.put(f"/api/signingSessionDrafts/{draft}", json={"subject": "stolen"}),
            other.post(f"/api/signingSessionDrafts/{draft}/documents", files=files),
            other.post(f"/api/signingSessionDrafts/{draft}/participants", json=person()),
            other.get(f"/api/signingSessionDrafts/{draft}/documents/{document}"),
            other.delete(f"/api/signingSessionDrafts/{draft}/documents/{document}"),
            other.post(f"/api/signingSessionDrafts/{draft}/convert"),
            other.delete(f"/api/signingSessionDrafts/{draft}"),
            other.get(f"/api/signingSessions/{started}"),
            other.get(f"/api/signingSessions/{started}/documents/{started_doc}"),
            other.post(f"/api/signingSessions/{started}/voided", json={"reason": "mine now"}),
            other.post(f"/api/signingSessions/{started}/duplicate", json={}),
            other.put(f"/api/signingSessions/{started}/participants/{signer}", json={}),
        ]
        for attempt in attempts:
            r = await attempt
            draft_path = r.request.url.path.startswith("/api/signingSessionDrafts/")
            assert_error(
                r,
                404,
                "Signing session draft does not exists"
                if draft_path
                else "The specified signing session ID was not found.",
            )
    mine = (await client.get(f"/api/signingSessionDrafts/{draft}")).json()
    assert mine["subject"] == "my draft"
    assert [d["id"] for d in mine["documents"]] == [document] and mine["participants"] == []
    assert (await client.get(f"/api/signingSessions/{started}")).json()["status"] == "Pending"
    assert len(sandbox.store.sessions) == 2
