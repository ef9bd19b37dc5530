"""Document rules: documents for signing and attachments of a draft, generated large PDFs."""

from __future__ import annotations

from .. import _pdf
from .._downloads import BytesBlob, LargePdfBlob
from .._state import (
    Document,
    SignedDocument,
    new_id,
)
from ._core import StoreCore


def _title(filename: str) -> str:
    stem = filename.rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] if "." in stem else stem


class DocumentRules(StoreCore):
    """Documents and attachments of a draft."""

    def _new_document(self, data: bytes, filename: str) -> Document:
        upload = _pdf.inspect_upload(data, filename)
        name = filename if upload.kind == "pdf" else _title(filename) + ".pdf"
        return Document(
            id=new_id(),
            title=_title(filename),
            filename=name,
            blob=BytesBlob(upload.pdf),
            pages=upload.pages,
            uploaded_at=self._clock(),
        )

    def _add_upload(
        self, user: str, session_id: str, data: bytes, filename: str, *, attachment: bool
    ) -> Document:
        session = self.editable_draft(user, session_id)
        document = self._new_document(data, filename)
        if attachment:
            session.attachments[document.id] = document
            self._event(session, f"Attachment '{document.title}' added")
        else:
            session.documents[document.id] = document
            self._event(session, f"Document '{document.title}' uploaded")
        return document

    def upload_document(self, user: str, session_id: str, data: bytes, filename: str) -> Document:
        """Add a document for signing (PDF or Word) to a draft."""
        return self._add_upload(user, session_id, data, filename, attachment=False)

    def add_attachment(self, user: str, session_id: str, data: bytes, filename: str) -> Document:
        """Add an attachment (reference document) to a draft."""
        return self._add_upload(user, session_id, data, filename, attachment=True)

    def add_large_document(
        self, session_id: str, size_bytes: int, title: str = "Large document"
    ) -> Document:
        """Add a generated PDF of ``size_bytes`` bytes (ready at once) to any session."""
        session = self.sessions[session_id]
        document = Document(
            id=new_id(),
            title=title,
            filename=f"{title}.pdf",
            blob=LargePdfBlob(size_bytes),
            pages=[(612.0, 792.0)],
            uploaded_at=0.0,
            stampable=False,
        )
        session.documents[document.id] = document
        self._event(session, f"Document '{title}' uploaded")
        return document

    def add_large_signed_document(
        self, session_id: str, participant_id: str, size_bytes: int
    ) -> SignedDocument:
        """Add a ready generated signed PDF of ``size_bytes`` bytes for a participant."""
        session = self.sessions[session_id]
        participant = self.participant(session, participant_id)
        document_id = next(iter(session.documents), new_id())
        signed = SignedDocument(
            id=new_id(),
            participant_id=participant.id,
            document_id=document_id,
            title=f"Large document - {participant.display_name} (Signed).pdf",
            blob=LargePdfBlob(size_bytes),
        )
        session.signed_documents[signed.id] = signed
        return signed

    def remove_document(self, user: str, session_id: str, document_id: str) -> None:
        """Remove a document and its fields (and the fields depending on them)."""
        session = self.editable_draft(user, session_id)
        document = self.document(session, document_id)
        del session.documents[document_id]
        doomed = [f.id for f in session.fields.values() if f.document_id == document_id]
        self._remove_fields(session, doomed)
        self._event(session, f"Document '{document.title}' removed")

    def remove_attachment(self, user: str, session_id: str, attachment_id: str) -> None:
        """Remove an attachment from a draft."""
        session = self.editable_draft(user, session_id)
        attachment = self.attachment(session, attachment_id)
        del session.attachments[attachment_id]
        self._event(session, f"Attachment '{attachment.title}' removed")
