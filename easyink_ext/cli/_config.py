"""Settings of the ``easyink`` command: flags, then environment, then the config file.

The config file is TOML with top-level string keys (``base_url``, ``token``, ``refresh_token``,
``identity_url``, ``client_id``, ``client_secret``, ``redirect_uri``). Its path is
``$EASYINK_CONFIG`` or ``~/.config/easyink/config.toml`` (``$XDG_CONFIG_HOME`` is honoured).
It is written with ``0600`` permissions since it may hold a token.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import attrs

__all__ = [
    "ENV_BASE_URL",
    "ENV_CONFIG",
    "ENV_TOKEN",
    "Settings",
    "config_path",
    "read_config",
    "resolve_settings",
    "write_config",
]

ENV_BASE_URL = "EASYINK_BASE_URL"
ENV_TOKEN = "EASYINK_TOKEN"
ENV_CONFIG = "EASYINK_CONFIG"
_LINE = re.compile(r'^\s*([A-Za-z0-9_.-]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$')


@attrs.frozen
class Settings:
    """Resolved settings. ``base_url`` None means: use the embedded in-process sandbox.

    ``token_source`` tells where ``token`` came from: ``"flag"``, ``"env"``, ``"config"``
    (the config file, which may also hold a refresh token) or None.
    """

    base_url: str | None
    token: str | None = attrs.field(repr=False)
    config_file: Path
    values: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    token_source: str | None = None

    def get(self, key: str, env: str | None = None, flag: str | None = None) -> str | None:
        """``flag``, else the environment variable ``env``, else the config file's ``key``."""
        if flag:
            return flag
        if env and os.environ.get(env):
            return os.environ[env]
        return self.values.get(key) or None


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file path: ``explicit``, ``$EASYINK_CONFIG`` or the per-user default."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "easyink" / "config.toml"


def _parse_fallback(text: str) -> dict[str, str]:
    """Flat ``key = "string"`` lines (the subset this tool writes), for Python 3.10."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"config file line {number} is not 'key = \"value\"'")
        values[match.group(1)] = _unescape(match.group(2))
    return values


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), value)


def read_config(path: Path) -> dict[str, str]:
    """The string values of the config file (empty when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    if sys.version_info >= (3, 11):
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"config file {path} is not valid TOML: {exc}") from None
        return {k: v for k, v in data.items() if isinstance(v, str)}
    try:
        return _parse_fallback(text)
    except ValueError as exc:
        raise ValueError(f"config file {path}: {exc}") from None


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


def write_config(path: Path, values: Mapping[str, str]) -> None:
    """Write ``values`` (merged by the caller) to ``path`` with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# easyink command-line settings (may hold an access token: keep private)"]
    lines += [f"{key} = {_quote(value)}" for key, value in sorted(values.items())]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)


def resolve_settings(*, base_url: str | None, token: str | None, config: str | None) -> Settings:
    """Settings from flags, then ``EASYINK_BASE_URL`` / ``EASYINK_TOKEN``, then the file."""
    path = config_path(config)
    values = read_config(path)
    resolved_url = base_url or os.environ.get(ENV_BASE_URL) or values.get("base_url") or None
    source: str | None = None
    resolved_token: str | None = None
    # A saved token belongs to the server it was issued for: never send it anywhere else.
    saved_url = (values.get("base_url") or "").rstrip("/")
    target_url = (resolved_url or "").rstrip("/")
    saved_token = values.get("token") if not saved_url or saved_url == target_url else None
    for candidate, where in (
        (token, "flag"),
        (os.environ.get(ENV_TOKEN), "env"),
        (saved_token, "config"),
    ):
        if candidate:
            resolved_token, source = candidate, where
            break
    return Settings(
        base_url=resolved_url.rstrip("/") if resolved_url else None,
        token=resolved_token,
        config_file=path,
        values=values,
        token_source=source,
    )
