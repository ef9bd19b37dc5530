"""Dependencies declared as imported: every third-party module that ``easyink_ext`` and
``easyink_sandbox`` import is declared in ``pyproject.toml``, in the base dependencies or in the
extra of the module that imports it; and every declared runtime dependency is imported (or is
listed below with the reason it is needed without an import of ours).

Imports under ``if TYPE_CHECKING:`` are for the type checker only and are not counted.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.metadata
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "easyink"
FIRST_PARTY = frozenset({"easyink_client", "easyink_ext", "easyink_sandbox"})
CHECKED = ("easyink_ext", "easyink_sandbox")

# The extras a module may draw on besides the base dependencies: the first matching pattern.
EXTRAS_OF: list[tuple[str, tuple[str, ...]]] = [
    ("easyink_sandbox/*", ("sandbox",)),
    # the demo sends a generated contract through the embedded sandbox: '.[cli,sandbox]'
    ("easyink_ext/cli/demo.py", ("cli", "sandbox")),
    ("easyink_ext/cli/_sample.py", ("cli", "sandbox")),
    ("easyink_ext/cli/*", ("cli",)),
    ("easyink_ext/_otel*.py", ("otel",)),
    ("easyink_ext/ledger/_postgres.py", ("postgres",)),
    ("easyink_ext/_aiohttp.py", ("aiohttp",)),
    ("easyink_ext/*", ()),
]

# Declared and needed at run time although no module of ours imports them.
USED_WITHOUT_IMPORT = {
    "httptools": "uvicorn's C HTTP parser, chosen by uvicorn when installed",
    "python-multipart": "starlette's form parser (uploads, the OAuth token endpoint)",
    "sniffio": "imported by httpcore on every request",
}


# Imports a module may make without a declaration, because whatever loads the module provides them:
# the pytest plugin is loaded by pytest itself (the ``pytest11`` entry point), and it uses
# pytest-asyncio only when the user's project has it (an ``ImportError`` falls back to pytest's
# own fixtures).
PROVIDED_BY_THE_HOST: dict[str, dict[str, str]] = {
    "easyink_sandbox/testing/plugin.py": {
        "pytest": "the plugin is loaded by pytest",
        "pytest_asyncio": "optional: imported under try/except ImportError",
    },
}


# The standard library of every supported Python: tomllib is imported (behind a version check)
# where Python 3.11+ has it.
_STDLIB = sys.stdlib_module_names | {"tomllib"}


def _packages_distributions() -> dict[str, list[str]]:
    """Top-level import names -> distributions, as Python 3.11's
    ``importlib.metadata.packages_distributions()``: from ``top_level.txt`` where a
    distribution has one, else inferred from its RECORD (3.10 reads ``top_level.txt`` only, and
    most wheels built today have none)."""
    found: dict[str, list[str]] = {}
    for dist in importlib.metadata.distributions():
        names = (dist.read_text("top_level.txt") or "").split()
        if not names:
            for file in dist.files or ():
                parts = file.parts
                if len(parts) > 1 and parts[0].isidentifier():
                    names.append(parts[0])
                elif len(parts) == 1 and file.suffix == ".py":
                    names.append(parts[0][: -len(".py")])
        for name in dict.fromkeys(names):
            found.setdefault(name, []).append(dist.metadata["Name"])
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return _normal(match.group(1))


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _declared(extras: tuple[str, ...]) -> set[str]:
    """Distributions of the base dependencies plus ``extras`` (self-references followed)."""
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    optional: dict[str, list[str]] = project["optional-dependencies"]
    names = {_name(r) for r in project["dependencies"]}
    pending, seen = list(extras), set()
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in optional[extra]:
            own = re.match(rf"\s*{PROJECT}\[([^\]]*)\]", requirement)
            if own:
                pending.extend(e.strip() for e in own.group(1).split(","))
            else:
                names.add(_name(requirement))
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """Top-level names of the absolute imports run at run time (anywhere in the module)."""

    def __init__(self) -> None:
        self.found: dict[str, int] = {}

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.setdefault(alias.name.split(".")[0], node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self.found.setdefault(node.module.split(".")[0], node.lineno)


def _third_party(path: Path) -> dict[str, int]:
    visitor = _Imports()
    visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return {
        name: line
        for name, line in visitor.found.items()
        if name not in _STDLIB and name not in FIRST_PARTY
    }


def _modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def _extras_of(relative: str) -> tuple[str, ...]:
    for pattern, extras in EXTRAS_OF:
        if fnmatch.fnmatch(relative, pattern):
            return extras
    raise AssertionError(f"no extra is assigned to {relative}")


def test_every_third_party_import_is_declared_where_its_module_needs_it() -> None:
    distributions = _packages_distributions()
    problems = []
    for path in _modules(*CHECKED):
        relative = path.relative_to(ROOT).as_posix()
        extras = _extras_of(relative)
        allowed = _declared(extras)
        hosted = PROVIDED_BY_THE_HOST.get(relative, {})
        for name, line in _third_party(path).items():
            if name in hosted:
                continue
            provided = {_normal(d) for d in distributions.get(name, [])}
            if not provided:
                problems.append(f"{relative}:{line} imports {name}: no installed distribution")
            elif not provided & allowed:
                where = " or ".join(["the base dependencies", *extras])
                problems.append(
                    f"{relative}:{line} imports {name} ({', '.join(sorted(provided))}),"
                    f" not declared in {where}"
                )
    assert not problems, "\n".join(problems)


def test_every_declared_runtime_dependency_is_imported() -> None:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    # dev and docs are tools for working on the project (tests, the documentation site), not
    # dependencies of its code
    runtime = {e for e in project["optional-dependencies"] if e not in ("dev", "docs")}
    declared = _declared(tuple(runtime))
    distributions = _packages_distributions()
    imported = {
        _normal(d)
        for path in _modules(*FIRST_PARTY)
        for name in _third_party(path)
        for d in distributions.get(name, [])
    }
    unused = declared - imported - set(USED_WITHOUT_IMPORT)
    assert not unused, f"declared but never imported: {sorted(unused)}"
    assert set(USED_WITHOUT_IMPORT) <= declared


def test_the_sandbox_demo_client_needs_no_sandbox_extra() -> None:
    """The CLI's default client for a sandbox on this machine, with starlette unimportable."""
    code = textwrap.dedent(
        """
        import sys
        sys.modules["starlette"] = None
        from easyink_ext.cli._auth import client_id_for, client_secret_for
        from pathlib import Path
        from easyink_ext.cli._config import Settings
        settings = Settings("http://127.0.0.1:8765", None, Path("absent.toml"))
        print(client_id_for(settings, "http://127.0.0.1:8765"))
        print(client_secret_for(settings, "http://127.0.0.1:8765"))
        import easyink_sandbox
        try:
            easyink_sandbox.create_app
        except ImportError:
            print("server needs the extra")
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("EASYINK_")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    from easyink_sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

    assert done.stdout.split("\n")[:3] == [
        SANDBOX_CLIENT_ID,
        SANDBOX_CLIENT_SECRET,
        "server needs the extra",
    ]
