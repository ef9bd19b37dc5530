"""Batch manifests: a CSV file of documents to send, checked whole before anything is sent.

Columns (header row, case-insensitive):

- ``file`` (required): a PDF, relative to the manifest's folder or absolute;
- ``subject`` (default: the file's name without extension; at most 500 characters);
- ``signer_name`` (required), ``signer_email``, ``signer_phone``: one signer, or several
  separated by ``;`` (the n-th name goes with the n-th e-mail and phone; leave a position
  empty when that signer has no e-mail or no phone);
- ``sequential`` (optional): ``yes``/``true``/``1`` for one-by-one signing;
- ``key`` (optional): the row's unique name in the ledger. Without it a row is known by what
  it means (:func:`row_digest`): the file's bytes and name, the subject, the signers (names
  with spacing normalised, e-mails lower-cased, phones as digits) and the parsed
  ``sequential`` flag. How the row is written does not count: other columns, ``no`` for an
  empty ``sequential``, ``./doc.pdf`` for ``doc.pdf``, the order of the rows. Columns other
  than these are ignored (:attr:`Manifest.ignored` names them).

:func:`read_manifest` checks every row (the file exists and is a PDF, names, e-mails, phones,
delivery, the subject, the ``sequential`` flag, duplicate keys) and returns the valid rows and
the invalid ones with all their problems, so that a run can refuse to start before its first
request.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from ._control import has_control
from .ledger import file_digest, item_digest, key_from_digest
from .workflow import Signer, _check_signer

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "InvalidRow",
    "Manifest",
    "ManifestRow",
    "read_manifest",
    "row_digest",
]

COLUMNS = ("file", "subject", "signer_name", "signer_email", "signer_phone", "sequential", "key")
"""The columns a manifest may have; any other is ignored (and named once as a warning)."""

MAX_ROWS = 1_000_000
MAX_CELL = 131_072
"""The longest cell a manifest may hold, in characters (the csv module's own limit)."""
MAX_SUBJECT = 500
_TRUE = frozenset({"1", "yes", "y", "true", "on"})
_FALSE = frozenset({"", "0", "no", "n", "false", "off"})
_PDF_MAGIC = b"%PDF-"


@attrs.frozen
class ManifestRow:
    """One valid row: ``number`` is its line in the file (the header is line 1)."""

    number: int
    key: str
    digest: str
    file: Path
    subject: str
    signers: tuple[Signer, ...]
    sequential: bool = False


@attrs.frozen
class InvalidRow:
    """A row that cannot be sent, with every reason."""

    number: int
    key: str | None
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"row {self.number}: " + "; ".join(self.problems)


@attrs.frozen
class Manifest:
    """The rows of a manifest: ``rows`` can be sent, ``invalid`` cannot; ``ignored`` names the
    columns that are not manifest columns (they change nothing)."""

    path: Path
    rows: tuple[ManifestRow, ...]
    invalid: tuple[InvalidRow, ...]
    ignored: tuple[str, ...] = ()


def _text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def row_digest(
    file_bytes_digest: str,
    file_name: str,
    subject: str,
    signers: Sequence[Signer],
    sequential: bool,
) -> str:
    """What a row means, as a digest: everything that changes what is sent, nothing else."""
    meaning = {
        "file": [file_bytes_digest, unicodedata.normalize("NFC", file_name)],
        "subject": _text(subject),
        "signers": [
            [
                _text(s.name),
                (s.email or "").strip().lower(),
                "".join(ch for ch in (s.phone or "") if ch.isdigit()),
                list(s.delivery_methods),
                s.language,
            ]
            for s in signers
        ],
        "sequential": sequential and len(signers) > 1,
    }
    return item_digest(meaning)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";")]


def _check_file(raw: dict[str, str], base: Path, problems: list[str]) -> Path | None:
    text = (raw.get("file") or "").strip()
    if not text:
        problems.append("the 'file' column is empty")
        return None
    path = Path(text).expanduser()
    path = (path if path.is_absolute() else base / path).resolve()
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_PDF_MAGIC))
    except OSError:
        problems.append(f"file {str(path)!r} does not exist or cannot be read")
        return None
    if head != _PDF_MAGIC:
        problems.append(f"file {str(path)!r} is not a PDF")
        return None
    return path


def _check_signers(raw: dict[str, str], problems: list[str]) -> tuple[Signer, ...]:
    names = [n for n in _split(raw.get("signer_name")) if n]
    if not names:
        problems.append("the 'signer_name' column is empty")
        return ()
    emails, phones = _split(raw.get("signer_email")), _split(raw.get("signer_phone"))
    if len(emails) > len(names) or len(phones) > len(names):
        problems.append("more e-mails or phones than signer names")
    signers = tuple(
        Signer(
            name=name,
            email=(emails[i] if i < len(emails) else "") or None,
            phone=(phones[i] if i < len(phones) else "") or None,
        )
        for i, name in enumerate(names)
    )
    seen: set[str] = set()
    for index, signer in enumerate(signers):
        try:
            _check_signer(index, signer)
        except ValueError as exc:
            problems.append(str(exc))
        if signer.email:
            if signer.email.casefold() in seen:
                problems.append(f"two signers share the e-mail address {signer.email!r}")
            seen.add(signer.email.casefold())
    return signers


def _row(number: int, raw: dict[str, str], base: Path) -> ManifestRow | InvalidRow:
    problems: list[str] = []
    path = _check_file(raw, base, problems)
    signers = _check_signers(raw, problems)
    flag = (raw.get("sequential") or "").strip().lower()
    if flag not in _TRUE | _FALSE:
        problems.append(f"'sequential' must be yes or no, got {flag!r}")
    subject = (raw.get("subject") or "").strip() or (path.stem if path else "")
    if len(subject) > MAX_SUBJECT:
        problems.append(f"the subject is longer than {MAX_SUBJECT} characters")
    key = (raw.get("key") or "").strip() or None
    if problems or path is None:
        return InvalidRow(number, key, tuple(problems))
    sequential = flag in _TRUE
    digest = row_digest(file_digest(path), path.name, subject, signers, sequential)
    key = key or key_from_digest(digest)
    return ManifestRow(number, key, digest, path, subject, signers, sequential)


def read_manifest(path: Path) -> Manifest:
    """Read and check every row (``ValueError`` naming the file and the line when the file
    itself is unusable: not UTF-8, a header naming a column twice, a quote never closed, a
    cell over :data:`MAX_CELL` characters)."""
    with path.open("rb") as raw:
        head = raw.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(f"manifest {path} is UTF-16 text: save it as UTF-8")
    reader: Any = None
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            header = _header(path, next(reader, None))
            checked: list[ManifestRow | InvalidRow] = []
            line = reader.line_num + 1  # where the next record starts
            for cells in reader:
                if len(checked) >= MAX_ROWS:
                    raise ValueError(f"manifest {path} has more than {MAX_ROWS} rows")
                if cells:  # a blank line is no row
                    checked.append(_cells(line, header, cells, path.parent))
                line = reader.line_num + 1
    except UnicodeDecodeError:
        line, byte = _first_undecodable(path)
        raise ValueError(
            f"manifest {path} is not UTF-8 text (line {line}): save it as UTF-8 "
            f"(byte 0x{byte:02x} cannot be decoded)"
        ) from None
    except csv.Error as exc:
        raise ValueError(_csv_problem(path, reader, exc)) from None
    if not checked:
        raise ValueError(f"manifest {path} has no rows")
    ignored = tuple(name for name in header if name and name not in COLUMNS)
    return attrs.evolve(_without_duplicates(path, checked), ignored=ignored)


def _first_undecodable(path: Path) -> tuple[int, int]:
    """The line and the byte where ``path`` stops being UTF-8."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, exc.object[exc.start]
    return 1, 0


def _header(path: Path, cells: list[str] | None) -> list[str]:
    """The header's column names (lower-cased), checked: required ones present, none twice."""
    if cells is None:
        raise ValueError(f"manifest {path} is empty")
    names = [name.strip().lower() for name in cells]
    for name in names:
        if has_control(name):
            raise ValueError(f"manifest {path} line 1: a column name holds a control character")
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        shown = ", ".join(repr(n) for n in twice)
        raise ValueError(
            f"manifest {path} line 1: the header names {shown} more than once: which one to "
            "send is not ours to guess"
        )
    for required in ("file", "signer_name"):
        if required not in names:
            raise ValueError(f"manifest {path} has no {required!r} column")
    return names


def _cells(line: int, header: list[str], cells: list[str], base: Path) -> ManifestRow | InvalidRow:
    """One record: its cells checked as cells, then as a row."""
    problems: list[str] = []
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        problems.append(
            f"{len(cells)} cells but the header has {len(header)} columns (a comma too many?)"
        )
    raw = {name: value for name, value in zip(header, cells, strict=False) if name}
    for name, value in raw.items():
        if has_control(value):
            problems.append(
                f"the {name!r} cell holds a control character (line break, tab, NUL, ESC...)"
            )
    if problems:
        return InvalidRow(line, (raw.get("key") or "").strip() or None, tuple(problems))
    return _row(line, raw, base)


def _csv_problem(path: Path, reader: Any, exc: csv.Error) -> str:
    line = reader.line_num if reader is not None else 1
    text = str(exc)
    if "field larger than field limit" in text:
        return f"manifest {path} line {line}: a cell is larger than {MAX_CELL} characters"
    if "unexpected end of data" in text or "EOF" in text:
        return (
            f"manifest {path}: a quote opened at or before line {line} is never closed "
            "(every row after it would be read as one cell)"
        )
    return f"manifest {path} line {line}: not valid CSV ({text})"


def _without_duplicates(path: Path, checked: list[ManifestRow | InvalidRow]) -> Manifest:
    """Rows sharing a key are all invalid: which one to send is not ours to guess."""
    lines: dict[str, list[int]] = defaultdict(list)
    for entry in checked:
        if entry.key is not None:
            lines[entry.key].append(entry.number)
    rows: list[ManifestRow] = []
    invalid: list[InvalidRow] = []
    for entry in checked:
        shared = lines.get(entry.key, []) if entry.key is not None else []
        if len(shared) > 1:
            others = ", ".join(str(n) for n in shared if n != entry.number)
            what = "key" if not entry.key or not entry.key.startswith("content:") else "content"
            problem = f"duplicate {what} {entry.key!r} (also row {others})"
            problems = entry.problems if isinstance(entry, InvalidRow) else ()
            invalid.append(InvalidRow(entry.number, entry.key, (*problems, problem)))
        elif isinstance(entry, InvalidRow):
            invalid.append(entry)
        else:
            rows.append(entry)
    return Manifest(path, tuple(rows), tuple(invalid))
