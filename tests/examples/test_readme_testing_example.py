"""README's "Testing your code" example is the example test CI runs, word for word."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_shows_the_example_test_that_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Testing your code\n", 1)[1].split("\n## ", 1)[0]
    shown = section.split("```python\n", 1)[1].split("```", 1)[0]
    example = (ROOT / "examples" / "test_service_with_plugin.py").read_text()
    body = example.split('"""', 2)[2].lstrip("\n")
    assert shown == body
