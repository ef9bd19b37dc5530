"""Row identity: keyless rows are known by their content; what changes the digest and what not."""

from __future__ import annotations

from pathlib import Path

from easyink_ext.ledger import content_digest, file_digest, item_digest, key_from_digest
from easyink_ext.manifest import read_manifest
from easyink_sandbox import simple_pdf

ROW = {"file": "a.pdf", "subject": "Lease 1", "signer_name": "Ann Lee", "signer_email": "a@x.com"}


def test_normalised_columns_give_the_same_digest() -> None:
    same = {
        "Signer_Email ": "A@X.com",
        "subject": "  Lease   1 ",
        "file": "a.pdf",
        "signer_name": "Ann Lee",
        "signer_phone": "",  # an empty optional column changes nothing
        "key": "ignored: the key is not content",
    }
    assert content_digest(same, ["f"]) == content_digest(ROW, ["f"])


def test_any_column_or_file_change_gives_another_digest() -> None:
    base = content_digest(ROW, ["f"])
    assert content_digest({**ROW, "signer_email": "b@x.com"}, ["f"]) != base
    assert content_digest({**ROW, "sequential": "yes"}, ["f"]) != base
    assert content_digest(ROW, ["g"]) != base
    assert key_from_digest(base).startswith("content:") and len(key_from_digest(base)) == 40


def test_item_digest_is_stable_for_json_like_items() -> None:
    assert item_digest({"b": 1, "a": [1, 2]}) == item_digest({"a": [1, 2], "b": 1})
    assert item_digest(("x", 1)) != item_digest(("x", 2))


def test_keyless_rows_keep_their_keys_when_a_row_is_inserted(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(simple_pdf(["A"]))
    manifest = tmp_path / "m.csv"
    header = "file,subject,signer_name,signer_email"
    rows = [f"a.pdf,Lease {n},Ann Lee,ann{n}@example.com" for n in range(3)]
    manifest.write_text("\n".join([header, *rows]) + "\n")
    before = [r.key for r in read_manifest(manifest).rows]
    manifest.write_text("\n".join([header, "a.pdf,New,Bo Chen,bo@example.com", *rows]) + "\n")
    after = [r.key for r in read_manifest(manifest).rows]
    assert after[1:] == before and after[0] not in before
    (tmp_path / "a.pdf").write_bytes(simple_pdf(["A changed"]))
    assert file_digest(tmp_path / "a.pdf") not in {r.digest for r in read_manifest(manifest).rows}
    assert not set(r.key for r in read_manifest(manifest).rows) & set(before)
