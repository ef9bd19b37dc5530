"""Child process of the memory test: download one document, report peak RSS growth as JSON.

Usage: python _download_child.py BASE_URL TOKEN DRAFT_ID SMALL_DOCUMENT_ID DOCUMENT_ID DEST
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
from pathlib import Path

from easyink_ext import EasyInk
from easyink_ext.downloads import download_draft_document


def _max_rss_bytes() -> int:
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


async def main(  # noqa: PLR0917
    base_url: str, token: str, draft: str, small: str, document: str, dest: str
) -> None:
    async with EasyInk(base_url=base_url, token=token) as ei:
        warm = Path(dest).with_name("warm-up.pdf")
        # A first small download loads every code path, so only the big one is measured.
        await download_draft_document(ei, draft, small, warm, max_attempts=1)
        warm.unlink()
        before = _max_rss_bytes()
        result = await download_draft_document(ei, draft, document, dest)
        after = _max_rss_bytes()
    print(
        json.dumps(
            {
                "rss_before": before,
                "rss_after": after,
                "bytes_written": result.bytes_written,
                "resumed": result.resumed,
                "restarted": result.restarted,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:7]))
