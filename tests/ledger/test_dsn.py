"""Which ledger a ``--ledger`` text names, and no password in anything printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyink_ext._redact import REDACTED
from easyink_ext.ledger import PostgresLedger, SQLiteLedger, describe, is_dsn, open_ledger
from easyink_ext.ledger._dsn import dsn_password, redact_dsn, scrub, sqlite_path

POSTGRES = [
    "postgresql://ops:pw@db/batch",
    "postgres://db/batch",
    "POSTGRESQL://db/batch",
    "host=db port=5432 dbname=batch user=ops password=pw",
    "dbname=batch",
    "host = db  password = 'a b\\'c' ",
    "service=batch sslmode=require",
]
SQLITE = [
    "batch.db",
    "./ledgers/batch.sqlite",
    "/var/lib/batch.db",
    "sqlite:///batch.db",
    "host.db",  # a file whose name merely starts like a keyword
    "name=value.db",  # not a libpq keyword: a file name
    "C:\\ledgers\\batch.db",
]


@pytest.mark.parametrize("spec", POSTGRES)
def test_postgresql_urls_and_keyword_strings_are_postgresql(spec: str) -> None:
    assert is_dsn(spec)
    assert isinstance(open_ledger(spec), PostgresLedger)


@pytest.mark.parametrize("spec", SQLITE)
def test_paths_and_sqlite_urls_are_sqlite(spec: str) -> None:
    assert not is_dsn(spec)
    assert isinstance(open_ledger(spec), SQLiteLedger)


def test_sqlite_urls_name_their_file() -> None:
    assert sqlite_path("sqlite:///batch.db") == Path("batch.db")
    assert sqlite_path("sqlite:////var/lib/batch.db") == Path("/var/lib/batch.db")
    assert sqlite_path(Path("x.db")) == Path("x.db")
    with pytest.raises(ValueError, match="needs a file path"):
        sqlite_path("sqlite:///")


@pytest.mark.parametrize(
    ("dsn", "password"),
    [
        ("postgresql://ops:s3cret@db/batch", "s3cret"),
        ("postgresql://ops@db/batch?password=s3cret&sslmode=require", "s3cret"),
        ("host=db user=ops password=s3cret dbname=batch", "s3cret"),
        ("host=db password='s3 cret' dbname=batch", "s3 cret"),
    ],
)
def test_a_password_is_never_printed(dsn: str, password: str) -> None:
    assert dsn_password(dsn) == password
    for text in (describe(dsn), redact_dsn(dsn), repr(PostgresLedger(dsn))):
        assert password not in text, text
        assert REDACTED in text, text
    message = f'connection to "{dsn}" failed: password {password} rejected'
    assert password not in scrub(message, dsn)
