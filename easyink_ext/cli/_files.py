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

__all__ = ["SavedFile", "download_session_pdfs", "safe_filename"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._() -]+")
# Generated names stay far below the usual 255-byte limit, leaving room for " (2)" and ".pdf".
MAX_NAME_BYTES = 120


@attrs.frozen
class SavedFile:
    """One downloaded file: what it is and where it went."""

    kind: str
    title: str
    path: Path
    size: int


def safe_filename(title: str, fallback: str) -> str:
    """A file name made from ``title`` (``.pdf`` appended when missing), at most
    :data:`MAX_NAME_BYTES` bytes before the extension."""
    name = _UNSAFE.sub("_", title).strip(" ._") or fallback
    if name.lower().endswith(".pdf"):
        name = name[:-4]
    name = name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore").strip(" ._")
    return (name or fallback) + ".pdf"


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


async def _refuse_existing(paths: list[Path]) -> None:
    existing = [str(p) for p in paths if await anyio.Path(p).exists()]
    if existing:
        raise FileExistsError(
            f"{len(existing)} file(s) already exist (e.g. {existing[0]}): nothing downloaded; "
            "pass --overwrite to replace them or choose another --output folder"
        )


async def download_session_pdfs(
    ei: EasyInk,
    view: SigningView,
    directory: Path,
    progress: Progress | None = None,
    *,
    overwrite: bool = False,
) -> list[SavedFile]:
    """Download the Ready signed documents and the all-in-one PDF of ``view`` into ``directory``.

    Unless ``overwrite``, nothing is downloaded when one of the target files exists.
    """
    await anyio.Path(directory).mkdir(parents=True, exist_ok=True)
    session_id: UUID = view.signing_session_id
    signed, all_in_one = ready_pdfs(view)
    taken: set[str] = set()
    plan: list[tuple[str, str, Path, SignedDocument | None]] = []
    for document in signed:
        title = document.title if isinstance(document.title, str) else ""
        path = _unique(directory, safe_filename(title, str(document.signed_document_id)), taken)
        plan.append(("signed", title, path, document))
    if all_in_one is not None:
        title = all_in_one.title if isinstance(all_in_one.title, str) else ""
        path = _unique(directory, safe_filename(title or "All-in-one", "all-in-one"), taken)
        plan.append(("all-in-one", title, path, None))
    if not overwrite:
        await _refuse_existing([path for _, _, path, _ in plan])
    task = progress.add_task("Downloading PDFs", total=len(plan)) if progress else None
    saved: list[SavedFile] = []
    for kind, title, path, signed_doc in plan:
        if signed_doc is not None:
            result = await ei.sessions.signed_documents.download(
                session_id, signed_doc.signed_document_id, to=path
            )
        else:
            result = await ei.sessions.all_in_one.download(session_id, to=path)
        saved.append(SavedFile(kind, title or path.name, path, result.bytes_written))
        if progress is not None and task is not None:
            progress.advance(task)
    return saved
