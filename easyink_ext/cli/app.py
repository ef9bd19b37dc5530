"""The ``easyink`` root command: global options, error reporting, sub-command registration."""

from __future__ import annotations

from typing import Any

import click

from .._redact import redact_text
from ..errors import EasyInkError, OAuthError
from ._config import resolve_settings
from ._runtime import CliError, err

__all__ = ["cli"]


class _Root(click.Group):
    """Reports expected failures as one line on stderr (tracebacks only with ``--debug``)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if _debug(ctx):
                raise
            where = exc.ctx.command_path if exc.ctx is not None else "easyink"
            err(f"{_one_line(exc)} (see '{where} --help')")
            ctx.exit(2)
        except (click.exceptions.Exit, click.Abort, click.ClickException):
            raise
        except CliError as exc:
            if _debug(ctx):
                raise
            err(str(exc))
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            err("interrupted")
            ctx.exit(130)
        except OAuthError as exc:
            if _debug(ctx):
                raise
            hint = "" if ctx.invoked_subcommand == "login" else " (run 'easyink login' again)"
            err(_one_line(exc) + hint)
            ctx.exit(1)
        except (EasyInkError, ValueError, OSError) as exc:
            if _debug(ctx):
                raise
            err(_one_line(exc))
            ctx.exit(1)
        except Exception as exc:
            if _debug(ctx):
                raise
            text = redact_text(_one_line(exc))
            err(f"unexpected error: {text} (run with --debug for the traceback)")
            ctx.exit(1)


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.meta.get("easyink.debug"))


def _one_line(exc: BaseException) -> str:
    """The message of ``exc`` on one line; the class name only for an unexpected error."""
    if isinstance(exc, click.ClickException):
        raw = exc.format_message()
    elif isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        names = f"{exc.filename} -> {exc.filename2}" if exc.filename2 else str(exc.filename)
        raw = f"{names}: {exc.strerror}"  # as the shell's tools say it, without [Errno n]
    else:
        raw = str(exc)
    text = " ".join(raw.split()) or type(exc).__name__
    expected = (EasyInkError, ValueError, OSError, click.ClickException)
    return text if isinstance(exc, expected) else f"{type(exc).__name__}: {text}"


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--base-url",
    metavar="URL",
    help="API root (default: EASYINK_BASE_URL, config file, else the embedded sandbox).",
)
@click.option("--token", metavar="JWT", help="Access token (default: EASYINK_TOKEN, config file).")
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Config file (default: EASYINK_CONFIG or ~/.config/easyink/config.toml).",
)
@click.option(
    "--allow-insecure-http",
    is_flag=True,
    help="Allow a plain http:// base URL on another machine (the token travels in clear).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="easyink", prog_name="easyink")
@click.pass_context
def cli(  # noqa: PLR0917 - one parameter per click option
    ctx: click.Context,
    base_url: str | None,
    token: str | None,
    config_file: str | None,
    allow_insecure_http: bool,
    debug: bool,
) -> None:
    """EasyInk e-signature command line: send documents, follow sessions, download PDFs.

    Without a base URL the commands run against an embedded sandbox in this process.
    Start with: easyink demo
    """
    ctx.meta["easyink.debug"] = debug
    ctx.obj = resolve_settings(
        base_url=base_url,
        token=token,
        config=config_file,
        allow_insecure_http=allow_insecure_http,
    )


def _register() -> None:
    from . import batch, demo, download, login, send, sessions, void

    for command in (
        demo.demo,
        send.send,
        sessions.sessions,
        download.download,
        void.void,
        batch.batch,
        login.login,
    ):
        cli.add_command(command)


_register()
