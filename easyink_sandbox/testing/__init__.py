"""Testing code that uses EasyInk against the sandbox: the pytest plugin and its fixture types.

Installed with the ``sandbox`` extra, the plugin (:mod:`easyink_sandbox.testing.plugin`) is
loaded by pytest on its own and gives every test the ``easyink_sandbox``, ``easyink`` and
``easyink_sync`` fixtures. Annotate them with :class:`EasyInkSandbox`,
``easyink_ext.EasyInk`` and ``easyink_ext.EasyInkSync``; ``EasyInkSandbox.requests`` lists
:class:`ApiRequest` records.

Importing this package loads no server code; the first sandbox a test asks for does.
"""

from __future__ import annotations

from ._sandbox import SETTINGS, ApiRequest, EasyInkSandbox

__all__ = ["SETTINGS", "ApiRequest", "EasyInkSandbox"]
