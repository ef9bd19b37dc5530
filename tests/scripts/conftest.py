"""The report package lives in scripts/ (not installed): make ``import spec_report`` work."""

from __future__ import annotations

import sys

from tests._regen import REPO

_SCRIPTS = str(REPO / "scripts")
if _SCRIPTS not in sys.path:
    sys.path.insert(0, _SCRIPTS)
