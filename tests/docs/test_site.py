"""The documentation site: ``mkdocs build --strict`` passes, and in the built site every internal
link and anchor resolves, the reference shows every public name of ``easyink_ext`` and the CLI
page every ``easyink`` command.

The site is built once per run into a temporary folder, or taken from ``EASYINK_DOCS_SITE``
when CI has just built it with ``mkdocs build --strict`` (so the sessions on the other Pythons
check that site too; the documentation tools need Python 3.11+).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
import pytest

import easyink_ext
from easyink_ext.cli.app import cli

from ._examples import ROOT


class _Page(HTMLParser):
    """The anchors (``id``s) a page defines and the links (``a href``) it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    built = os.environ.get("EASYINK_DOCS_SITE")
    if built:
        yield Path(built)
        return
    if sys.version_info < (3, 11) and importlib.util.find_spec("mkdocs") is None:
        pytest.skip("the documentation tools need Python 3.11+ (CI checks the site it built)")
    folder = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    yield folder


@pytest.fixture(scope="session")
def pages(site: Path) -> dict[Path, _Page]:
    return {path: _read(path) for path in site.rglob("*.html")}


def _is_internal(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc


def _target(site: Path, page: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    if not parts.path:
        return page, unquote(parts.fragment)
    target = (page.parent / unquote(parts.path)).resolve()
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_every_internal_link_and_anchor_resolves(site: Path, pages: dict[Path, _Page]) -> None:
    broken = []
    checked = 0
    for path, page in pages.items():
        if path.name == "404.html":
            continue  # served at any depth: its links are absolute to the site root
        for href in page.links:
            if not _is_internal(href):
                continue
            target, anchor = _target(site, path, href)
            checked += 1
            where = f"{path.relative_to(site)}: {href}"
            if target not in pages and not target.is_file():
                broken.append(f"{where} (no {target})")
            elif anchor and target in pages and anchor not in pages[target].ids:
                broken.append(f"{where} (no anchor #{anchor})")
    assert checked > 100
    assert not broken, "\n".join(broken)


def test_the_reference_shows_every_public_name(pages: dict[Path, _Page]) -> None:
    ids = set().union(*(page.ids for page in pages.values()))
    names = [*easyink_ext.__all__, "AiohttpTransport"]
    missing = [
        name
        for name in names
        if f"easyink_ext.{name}" not in ids
        and f"{getattr(easyink_ext, name).__module__}.{name}" not in ids
    ]
    assert not missing


def test_docstring_roles_became_code_and_links(site: Path) -> None:
    """``:class:`~easyink_ext.EasyInk``` is no literal text in the reference: a code span,
    linked to the object's entry when the site documents it (``scripts/docs_roles.py``)."""
    literal = re.compile(r":(?:class|meth|func|attr|exc|data|mod|obj|const):(?:<code>|`)")
    left = [
        f"{path.relative_to(site)}: {match.group(0)}"
        for path in site.rglob("*.html")
        for match in literal.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not left, left
    client = (site / "reference" / "client" / "index.html").read_text(encoding="utf-8")
    # EasyInk's rate_limit: "on for the requests made inside :func:`~easyink_ext.run_batch`"
    linked = re.findall(
        r'<a class="autorefs[^>]*href="([^"]+)"[^>]*><code>run_batch</code>', client
    )
    assert linked, "no link to run_batch on the client's page"
    assert all(href.endswith("#easyink_ext.run_batch") for href in linked), linked


def test_the_reference_shows_the_clients_methods(pages: dict[Path, _Page]) -> None:
    ids = set().union(*(page.ids for page in pages.values()))
    for client in (easyink_ext.EasyInk, easyink_ext.EasyInkSync):
        public = [name for name in vars(client) if not name.startswith("_")]
        assert "with_options" in public
        missing = [name for name in public if f"easyink_ext.{client.__name__}.{name}" not in ids]
        assert not missing, client


def _commands(group: click.Group, prefix: str) -> Iterator[str]:
    for name, command in group.commands.items():
        yield f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


def test_the_cli_page_documents_every_command(site: Path) -> None:
    text = (site / "cli" / "index.html").read_text(encoding="utf-8")
    missing = [path for path in _commands(cli, "easyink") if path not in text]
    assert not missing
    for command in cli.commands.values():
        assert command.help is not None
        assert command.help.split("\n")[0].strip() in text


def test_readme_links_point_to_files_of_the_repository() -> None:
    """README is read on its own (a repository page): its relative links name files here."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [link.split("#")[0] for link in links if _is_internal(link)]
    missing = [link for link in relative if link and not (ROOT / link).exists()]
    assert not missing


def test_readme_is_the_front_page() -> None:
    """At most 250 lines, and its first two commands are the demo and the tests."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    commands = re.findall(r"```bash\n(.*?)\n```", text, flags=re.S)
    assert commands[:2] == [
        "pip install '.[cli,sandbox]' && easyink demo",
        "pip install -e '.[dev]' && pytest",
    ]
