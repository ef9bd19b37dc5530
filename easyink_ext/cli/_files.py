"""Downloading every signed PDF and the all-in-one PDF of a session into a folder."""

from __future__ import annotations

import re
from pathlib import Path
from uuid import UUID

import anyio
import attrs
from rich.progress import Progress

from easyink_client.models.all_in_one_document import AllInOneDocument
from easyink_client.models.signed_document import SignedDocument
from easyink_client.models.signing_view import SigningView

from .._client import EasyInk
from ..downloads import download_all_in_one_document, download_signed_document

__all__ = ["SavedFile", "download_session_pdfs", "safe_filename"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._() -]+")


@attrs.frozen
class SavedFile:
    """One downloaded file: what it is and where it went."""

    kind: str
    title: str
    path: Path
    size: int


def safe_filename(title: str, fallback: str) -> str:
    """A file name made from ``title`` (``.pdf`` appended when missing)."""
    name = _UNSAFE.sub("_", title).strip(" ._") or fallback
    return name if name.lower().endswith(".pdf") else name + ".pdf"


def _unique(directory: Path, name: str, taken: set[str]) -> Path:
    stem, dot, ext = name.rpartition(".")
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{stem} ({number}){dot}{ext}"
        number += 1
    taken.add(candidate.lower())
    return directory / candidate


def ready_pdfs(view: SigningView) -> tuple[list[SignedDocument], AllInOneDocument | None]:
    """The signed documents of ``view`` that are Ready, and its all-in-one PDF if Ready."""
    signed = [
        d
        for d in view.signed_documents or []
        if getattr(d.processing_status, "value", None) == "Ready"
    ]
    all_in_one = view.all_in_one_document
    if not isinstance(all_in_one, AllInOneDocument):
        return signed, None
    return signed, all_in_one if getattr(all_in_one.status, "value", None) == "Ready" else None


async def download_session_pdfs(
    ei: EasyInk, view: SigningView, directory: Path, progress: Progress | None = None
) -> list[SavedFile]:
    """Download the Ready signed documents and the all-in-one PDF of ``view`` into ``directory``."""
    await anyio.Path(directory).mkdir(parents=True, exist_ok=True)
    session_id: UUID = view.signing_session_id
    signed, all_in_one = ready_pdfs(view)
    aio_ready = all_in_one is not None
    total = len(signed) + (1 if aio_ready else 0)
    task = progress.add_task("Downloading PDFs", total=total) if progress is not None else None
    taken: set[str] = set()
    saved: list[SavedFile] = []
    for document in signed:
        title = document.title if isinstance(document.title, str) else ""
        path = _unique(directory, safe_filename(title, str(document.signed_document_id)), taken)
        result = await download_signed_document(ei, session_id, document.signed_document_id, path)
        saved.append(SavedFile("signed", title or path.name, path, result.bytes_written))
        if progress is not None and task is not None:
            progress.advance(task)
    if aio_ready and all_in_one is not None:
        title = all_in_one.title if isinstance(all_in_one.title, str) else ""
        path = _unique(directory, safe_filename(title or "All-in-one", "all-in-one"), taken)
        result = await download_all_in_one_document(ei, session_id, path)
        saved.append(SavedFile("all-in-one", title or path.name, path, result.bytes_written))
        if progress is not None and task is not None:
            progress.advance(task)
    return saved
