"""The ``track17`` group's own options (``Settings``, and the client they make) and how they are
parsed wherever they are typed (``Track17Group``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from track17_facade._constants import (
    API_VERSION_NAMES,
    version_in_url,
)

if TYPE_CHECKING:
    from track17_facade import Track17Client

__all__ = ["Settings", "Track17Group"]


class Settings:
    """The global options, for the commands."""

    def __init__(self, **options: Any) -> None:
        self.api_key: str | None = options["api_key"]
        self.previous_api_key: str | None = options.get("previous_api_key") or None
        self.base_url: str | None = options["base_url"]
        self.api_version: str | None = options["api_version"]
        self.rate: float = options["rate"]
        self.max_retries: int | None = options["max_retries"]
        self.timeout: float | None = options.get("timeout")
        self.quiet: bool = options["quiet"]
        self.err = Console(stderr=True, quiet=self.quiet, highlight=False)

    @property
    def version(self) -> str:
        """The API version: ``--api-version``, else the one ``--base-url`` ends with, else v1.

        Raises:
            click.UsageError: the two name different versions.
        """
        named = version_in_url(self.base_url) if self.base_url else None
        if self.api_version is None:
            return named if named is not None and named in API_VERSION_NAMES else "v1"
        if named is not None and named != self.api_version:
            raise click.UsageError(
                f"--base-url {self.base_url} is the root of API {named}, but --api-version is "
                f"{self.api_version}: make them agree (or leave --api-version out)"
            )
        return self.api_version

    @property
    def receiving_keys(self) -> str | tuple[str, str]:
        """The keys a push may be signed with: the key, and the previous one during a rotation;
        a missing key is a usage error."""
        if not self.api_key:
            raise click.UsageError("an API key is needed: --api-key KEY or the TRACK17_API_KEY variable")
        return (self.api_key, self.previous_api_key) if self.previous_api_key else self.api_key

    def client(self, api_key: str | Callable[[], str] | None = None) -> Track17Client:
        """A client from the options (``api_key``: instead of ``--api-key``, e.g. a callable);
        a missing key is a usage error."""
        if api_key is None and not self.api_key:
            raise click.UsageError("an API key is needed: --api-key KEY or the TRACK17_API_KEY variable")
        options: dict[str, Any] = {"api_version": self.version, "requests_per_second": self.rate}
        if self.base_url:
            options["base_url"] = self.base_url
        if self.max_retries is not None:
            options["max_retries"] = self.max_retries
        if self.timeout is not None:
            options["timeout"] = self.timeout
        # Imported here, as the HTTP stack is: `track17 --help` and the offline commands need neither.
        from track17_facade import Track17Client  # noqa: PLC0415

        return Track17Client(api_key or self.api_key or "", **options)


class Track17Group(click.Group):
    """The ``track17`` group: its own options are taken after the command too.

    ``track17 register FILE --api-key KEY`` works like ``track17 --api-key KEY register FILE``, as
    gh, aws and stripe allow: people type options where they think of them. An option the command
    itself has (``sandbox --rate``) stays the command's.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Move the group's options found after the command before it, then parse."""
        return super().parse_args(ctx, self._hoisted(ctx, args))

    def _hoisted(self, ctx: click.Context, args: list[str]) -> list[str]:
        own = _option_arity(self)
        at = 0
        while at < len(args) and args[at].startswith("-") and args[at] != "-":
            name, _, inline = args[at].partition("=")
            at += 1 + (own.get(name, 0) if not inline else 0)
        if at >= len(args):
            return args
        command: click.Command | None = self.get_command(ctx, args[at])
        if command is None:
            return args
        taken = dict(_option_arity(command))
        for token in args[at + 1 :]:  # a group's subcommand (journal show) has options of its own
            if isinstance(command, click.Group) and not token.startswith("-"):
                command = command.get_command(ctx, token)
                if command is None:
                    return args
                taken.update(_option_arity(command))
                break
        head, tail = list(args[:at]), [args[at]]
        rest = iter(args[at + 1 :])
        for token in rest:
            if token == "--":  # noqa: S105 (the end of options, not a password)
                tail += [token, *rest]
                break
            name, _, inline = token.partition("=")
            if name in own and name not in taken:
                head.append(token)
                for _ in range(own[name] if not inline else 0):
                    head.append(next(rest, ""))
            else:
                tail.append(token)
        return head + tail


def _option_arity(command: click.Command) -> dict[str, int]:
    """Each option name of a command, and how many values it takes."""
    return {
        name: 0 if param.is_flag or param.count else param.nargs
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }
