"""The documentation's "Testing a web service" example is the example test CI runs: the page
includes the file itself when the site is built (a missing file fails the strict build)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_show_the_example_test_that_runs() -> None:
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    assert '--8<-- "examples/test_service_with_plugin.py"' in page
    assert (ROOT / "examples" / "test_service_with_plugin.py").is_file()
