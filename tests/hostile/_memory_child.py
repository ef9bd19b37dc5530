"""Child process of the memory test: one call against an endless body, peak memory as JSON.

Usage: python _memory_child.py BASE_URL SESSION_ID
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys

from easyink_client.api.signing_sessions import get_session
from easyink_ext import EasyInk


def _max_rss_bytes() -> int:
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


async def main(base_url: str, session_id: str) -> None:
    error = ""
    async with EasyInk(base_url=base_url, token="t", max_retries=0) as ei:
        try:
            await get_session.asyncio(session_id, client=ei.client)
        except Exception as exc:
            error = type(exc).__name__
    print(json.dumps({"error": error, "max_rss": _max_rss_bytes()}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
