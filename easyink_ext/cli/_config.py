"""Settings of the ``easyink`` command: flags, then environment, then the config file.

The config file is TOML: a top-level ``base_url`` (the default API) and one table per API base
URL holding what a login saved for that server only::

    base_url = "https://api.easyink.io"

    [profiles."https://api.easyink.io"]
    token = "..."
    refresh_token = "..."
    identity_url = "https://identity.easyink.io"
    client_id = "..."

A profile's token, refresh token, client id and secret are only ever used with its own base
URL and its own identity provider. A file written by older versions (flat keys) is read as the
profile of its ``base_url``.

The path is ``$EASYINK_CONFIG`` or ``~/.config/easyink/config.toml`` (``$XDG_CONFIG_HOME`` is
honoured). The file is written atomically with mode ``0600`` (a new folder gets ``0700``); a
symbolic link is written through to its target, and a dangling one is refused.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ENV_BASE_URL",
    "ENV_CONFIG",
    "ENV_TOKEN",
    "PROFILE_KEYS",
    "ConfigData",
    "Settings",
    "config_path",
    "load_config",
    "normal_url",
    "read_config",
    "resolve_settings",
    "save_config",
    "write_config",
]

ENV_BASE_URL = "EASYINK_BASE_URL"
ENV_TOKEN = "EASYINK_TOKEN"
ENV_CONFIG = "EASYINK_CONFIG"
PROFILE_KEYS = (
    "token",
    "refresh_token",
    "identity_url",
    "client_id",
    "client_secret",
    "redirect_uri",
)
_LINE = re.compile(r'^\s*([A-Za-z0-9_.-]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$')
_SECTION = re.compile(r'^\s*\[\s*profiles\s*\.\s*"((?:[^"\\]|\\.)*)"\s*\]\s*(?:#.*)?$')


def normal_url(url: str) -> str:
    """The profile key of a base URL (no trailing slash)."""
    return url.strip().rstrip("/")


@dataclass(frozen=True)
class Settings:
    """Resolved settings. ``base_url`` None means: use the embedded in-process sandbox.

    ``values`` is the profile saved for ``base_url`` (never another server's).
    ``token_source`` tells where ``token`` came from: ``"flag"``, ``"env"``, ``"config"``
    (the profile, which may also hold a refresh token) or None. ``allow_insecure_http``: a
    plain ``http://`` base URL on another machine is used (``--allow-insecure-http``).
    """

    base_url: str | None
    token: str | None = field(repr=False)
    config_file: Path
    values: Mapping[str, str] = field(default_factory=dict, repr=False)
    token_source: str | None = None
    allow_insecure_http: bool = False

    def get(self, key: str, env: str | None = None, flag: str | None = None) -> str | None:
        """``flag``, else the environment variable ``env``, else the profile's ``key``."""
        if flag:
            return flag
        if env and os.environ.get(env):
            return os.environ[env]
        return self.values.get(key) or None


@dataclass
class ConfigData:
    """The whole config file: the default base URL and one profile per base URL."""

    base_url: str | None = None
    profiles: dict[str, dict[str, str]] = field(default_factory=dict)

    def profile(self, base_url: str | None) -> dict[str, str]:
        """The saved values of ``base_url`` (empty when none)."""
        return dict(self.profiles.get(normal_url(base_url), {})) if base_url else {}


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file path: ``explicit``, ``$EASYINK_CONFIG`` or the per-user default."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "easyink" / "config.toml"


def _parse_fallback(text: str) -> dict[str, Any]:
    """``key = "string"`` lines and ``[profiles."URL"]`` tables (what this tool writes)."""
    data: dict[str, Any] = {}
    table: dict[str, Any] = data
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        section = _SECTION.match(line)
        if section is not None:
            profiles = data.setdefault("profiles", {})
            table = profiles.setdefault(_unescape(section.group(1)), {})
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"config file line {number} is not 'key = \"value\"'")
        table[match.group(1)] = _unescape(match.group(2))
    return data


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), value)


def _read_raw(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    if sys.version_info >= (3, 11):
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"config file {path} is not valid TOML: {exc}") from None
    try:
        return _parse_fallback(text)
    except ValueError as exc:
        raise ValueError(f"config file {path}: {exc}") from None


def _strings(table: object) -> dict[str, str]:
    if not isinstance(table, dict):
        return {}
    return {k: v for k, v in table.items() if isinstance(k, str) and isinstance(v, str)}


def load_config(path: Path) -> ConfigData:
    """Read the config file (empty when it does not exist)."""
    raw = _read_raw(path)
    top = _strings(raw)
    profiles: dict[str, dict[str, str]] = {}
    tables = raw.get("profiles")
    if isinstance(tables, dict):
        for url, table in tables.items():
            if isinstance(url, str) and normal_url(url):
                profiles[normal_url(url)] = _strings(table)
    base = top.get("base_url") or None
    legacy = {k: top[k] for k in PROFILE_KEYS if top.get(k)}
    if legacy and base and normal_url(base) not in profiles:
        profiles[normal_url(base)] = legacy
    return ConfigData(base_url=base, profiles=profiles)


def read_config(path: Path) -> dict[str, str]:
    """The default base URL and its profile as one flat mapping (empty without a default)."""
    data = load_config(path)
    if not data.base_url:
        return {}
    return {"base_url": data.base_url, **data.profile(data.base_url)}


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


def _render(data: ConfigData) -> str:
    lines = ["# easyink command-line settings (may hold access tokens: keep private)"]
    if data.base_url:
        lines.append(f"base_url = {_quote(data.base_url)}")
    for url in sorted(data.profiles):
        lines += ["", f"[profiles.{_quote(url)}]"]
        profile = data.profiles[url]
        lines += [f"{key} = {_quote(profile[key])}" for key in sorted(profile)]
    return "\n".join(lines) + "\n"


def _target(path: Path) -> Path:
    """Where to write: through a symbolic link to its target, which must exist."""
    if path.is_symlink():
        resolved = path.resolve()
        if not resolved.exists():
            raise ValueError(
                f"config file {path} is a symbolic link to {resolved}, which does not exist: "
                "refusing to create it"
            )
        return resolved
    return path


def save_config(path: Path, data: ConfigData) -> None:
    """Write the whole file atomically (mode 0600; a new folder gets 0700)."""
    target = _target(path)
    folder = target.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)
    import secrets  # not needed by `easyink --help`

    temp = folder / f".{target.name[:40]}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(_render(data))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_config(path: Path, values: Mapping[str, str]) -> None:
    """Save flat ``values``: ``base_url`` becomes the default and the rest replaces its profile.

    Other servers' profiles are kept.
    """
    data = load_config(path)
    base = values.get("base_url")
    if not base:
        raise ValueError("write_config needs a base_url")
    data.base_url = normal_url(base)
    data.profiles[normal_url(base)] = {
        k: v for k, v in values.items() if k != "base_url" and isinstance(v, str)
    }
    save_config(path, data)


def resolve_settings(
    *,
    base_url: str | None,
    token: str | None,
    config: str | None,
    allow_insecure_http: bool = False,
) -> Settings:
    """Settings from flags, then ``EASYINK_BASE_URL`` / ``EASYINK_TOKEN``, then the file."""
    path = config_path(config)
    data = load_config(path)
    resolved_url = base_url or os.environ.get(ENV_BASE_URL) or data.base_url or None
    target = normal_url(resolved_url) if resolved_url else None
    # A profile belongs to the server it was saved for: never send it anywhere else.
    profile = data.profile(target)
    source: str | None = None
    resolved_token: str | None = None
    for candidate, where in (
        (token, "flag"),
        (os.environ.get(ENV_TOKEN), "env"),
        (profile.get("token"), "config"),
    ):
        if candidate:
            resolved_token, source = candidate, where
            break
    return Settings(
        base_url=target or None,
        token=resolved_token,
        config_file=path,
        values=profile,
        token_source=source,
        allow_insecure_http=allow_insecure_http,
    )
