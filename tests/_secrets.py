"""Assert that secrets stay out of text without printing them when the assertion fails."""

from __future__ import annotations


def assert_no_secret(text: str, *secrets: str) -> None:
    """Fail if any of ``secrets`` occurs in ``text``; the message names neither of them."""
    for number, secret in enumerate(secrets, 1):
        if not secret:
            raise AssertionError(f"secret #{number} is empty: nothing would be checked")
        if secret in text:
            raise AssertionError(
                f"secret #{number} ({len(secret)} characters) leaked into the checked text"
            )
