"""Griffe extension for the documentation site: docstrings' reST roles become links.

The docstrings name other objects the way Python's own documentation does
(``:class:`~easyink_ext.EasyInk```, ``:meth:`aclose```), which Markdown would print as they are.
Each role becomes a code span that links to the object's entry in the API reference when the
site documents it (an *optional* cross-reference: an object the site does not document, a
private module for instance, stays plain code and is no error of ``mkdocs build --strict``).
A target without a package is looked up from where the docstring is: its class, its module,
then the package. ``~`` shows the last part of the name only, as in Sphinx.

Configured in ``mkdocs.yml`` (``extensions: [scripts/docs_roles.py]`` of the Python handler).
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

_ROLE = re.compile(
    r":(?:py:)?(?P<role>class|meth|func|attr|exc|data|mod|obj|const|type):`(?P<target>[^`]+)`"
)
_PACKAGES = ("easyink_ext", "easyink_sandbox", "easyink_client")


class ReSTRoles(griffe.Extension):
    """Rewrites ``:role:`target``` in every docstring into an optional cross-reference."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.is_alias:
            return  # its target's own docstring is rewritten where it is defined
        docstring = obj.docstring
        if docstring is None or ":`" not in docstring.value:
            return
        docstring.value = rewrite(docstring.value, obj, loader.modules_collection)


def rewrite(text: str, obj: griffe.Object, known: griffe.ModulesCollection) -> str:
    """``text`` with each reST role replaced by a link (or code) to its target."""

    def replace(match: re.Match[str]) -> str:
        target = match["target"].strip()
        short = target.startswith("~")
        target = target.lstrip("~.!")
        shown = target.rsplit(".", 1)[-1] if short else target
        identifier = _resolve(target, obj, known)
        return (
            f'<autoref identifier="{html.escape(identifier)}" optional>'
            f"<code>{html.escape(shown)}</code></autoref>"
        )

    return _ROLE.sub(replace, text)


def _resolve(target: str, obj: griffe.Object, known: griffe.ModulesCollection) -> str:
    """The full path ``target`` means from ``obj``'s docstring (``target`` if none exists)."""
    candidates = [target]
    if not target.startswith(_PACKAGES):
        scopes: list[griffe.Object] = []
        here: griffe.Object | None = obj
        while here is not None:
            if here.is_class or here.is_module:
                scopes.append(here)
            here = here.parent
        candidates = [f"{scope.path}.{target}" for scope in scopes] + candidates
    for candidate in candidates:
        try:
            found = known.get_member(candidate)
            # A name imported into a module is documented where it is defined (or exported):
            # its canonical path is among the reference's anchors, the import's is not.
            return str(found.canonical_path)
        except (KeyError, ValueError, AttributeError, griffe.AliasResolutionError):
            continue
    return candidates[-1]
