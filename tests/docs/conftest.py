"""Fixtures of the documentation tests: one sandbox and one folder per page of examples."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from easyink_sandbox import SandboxConfig, SandboxThread, simple_pdf

# The documents the examples name, in every page's folder (what a reader would have at hand).
PAGE_FILES = [
    "contract.pdf",
    "nda.pdf",
    "leases/12.pdf",
    "leases/13.pdf",
    "leases/14.pdf",
    "contracts/a.pdf",
    "contracts/b.pdf",
]

# What the examples read from the environment; nothing else of the user's may leak in.
_VARIABLES = (
    "EASYINK_BASE_URL",
    "EASYINK_TOKEN",
    "EASYINK_CONFIG",
    "EASYINK_CLIENT_ID",
    "EASYINK_CLIENT_SECRET",
    "EASYINK_IDENTITY_URL",
    "EASYINK_REDIRECT_URI",
    "LEDGER_DSN",
)


class Page:
    """A page's sandbox (served on 127.0.0.1), its folder and its environment."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        for name in PAGE_FILES:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(simple_pdf([f"{path.stem}: sample document"]))
        self.server = SandboxThread(SandboxConfig(validate_responses=True)).start()
        self.environment = {
            "EASYINK_BASE_URL": self.server.url,
            "EASYINK_TOKEN": self.server.sandbox.issue_token(),
            "EASYINK_CONFIG": str(folder / "config" / "config.toml"),
        }

    def close(self) -> None:
        self.server.stop()
        assert self.server.sandbox.response_violations == []


class Pages:
    """One :class:`Page` at a time: a page's examples run one after the other."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._current: tuple[str, Page] | None = None

    def enter(self, path: str) -> Page:
        if self._current is not None and self._current[0] == path:
            return self._current[1]
        self.close()
        page = Page(self._factory.mktemp(Path(path).stem))
        self._current = (path, page)
        return page

    def close(self) -> None:
        if self._current is not None:
            page = self._current[1]
            self._current = None
            page.close()


@pytest.fixture(scope="session")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    manager = Pages(tmp_path_factory)
    yield manager
    manager.close()


@pytest.fixture
def page_of(
    pages: Pages, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Callable[[str], Page]:
    """``page_of(path)`` enters the page's folder and environment for this test.

    A page whose commands use ``$LEDGER_DSN`` (the shared PostgreSQL ledger of a fleet) gets
    the DSN of the test session's PostgreSQL server there.
    """

    def enter(path: str) -> Page:
        page = pages.enter(path)
        for name in _VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in page.environment.items():
            monkeypatch.setenv(name, value)
        if "$LEDGER_DSN" in Path(path).read_text(encoding="utf-8"):
            monkeypatch.setenv("LEDGER_DSN", request.getfixturevalue("postgres").dsn)
        monkeypatch.chdir(page.folder)
        return page

    return enter
