"""An endless JSON body ends in a typed error with bounded memory (measured in a child process)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from ._server import HostileServer, endless_chunked

CHILD = Path(__file__).with_name("_memory_child.py")
MEMORY_LIMIT = 300 * 1024 * 1024


@pytest.mark.parametrize("status", [200, 500])
def test_an_endless_body_costs_bounded_memory(hostile: HostileServer, status: int) -> None:
    session = uuid.uuid4()
    hostile.behave(endless_chunked(status), f"/api/signingSessions/{session}")
    done = subprocess.run(
        [sys.executable, str(CHILD), hostile.url, str(session)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout)
    expected = "ResponseTooLargeError" if status == 200 else "InternalServerError"
    assert report["error"] == expected
    assert report["max_rss"] < MEMORY_LIMIT
