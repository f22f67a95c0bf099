"""The options of a proxy process, defined once for both front ends.

``python -m strangler_proxy`` (argparse, :mod:`strangler_proxy.__main__`) and ``demonolith proxy``
(click, ``demonolith/commands/proxy.py``) build their flags from :data:`OPTIONS`; each option's
destination is the keyword of :func:`strangler_proxy.process.run.run` that receives it. A new
option goes here, with its keyword in ``run``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from strangler_proxy.config.model import DEFAULT_LISTEN
from strangler_proxy.process.event_loop import LOOPS
from strangler_proxy.process.lifecycle import DEFAULT_DRAIN_SECONDS
from strangler_proxy.process.run import DEFAULT_ADMIN


@dataclass(frozen=True)
class Option:
    """One command-line option: ``--name VALUE`` of type ``kind`` (str, Path, int or float).

    ``default`` None means "not given" (the routes file or the proxy decides; ``help`` says how).
    ``minimum`` bounds numbers; ``choices`` lists the accepted strings.
    """

    name: str
    kind: type[str] | type[Path] | type[int] | type[float]
    help: str
    default: str | int | float | None = None
    metavar: str | None = None
    required: bool = False
    minimum: int | float | None = None
    choices: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        """``--drain-seconds``."""
        return "--" + self.name

    @property
    def dest(self) -> str:
        """``drain_seconds``: the keyword of ``run`` that receives the value."""
        return self.name.replace("-", "_")


OPTIONS: tuple[Option, ...] = (
    Option("routes", Path, "Routes file (TOML).", required=True),
    Option("listen", str, f"Client listener (default: [listen] address, else {DEFAULT_LISTEN}).",
           metavar="HOST:PORT"),
    Option("admin", str, f"Admin listener for /metrics, or 'off' (default {DEFAULT_ADMIN}).",
           metavar="HOST:PORT"),
    Option("access-log", str,
           "JSON access log: '-' (stdout), 'off' or a file (default: routes file, '-').",
           metavar="PATH"),
    Option("tls-cert", str, "Serve clients over TLS with this certificate (chain); needs --tls-key.",
           metavar="PEM"),
    Option("tls-key", str, "Private key of --tls-cert.", metavar="PEM"),
    Option("admin-token", str,
           "Bearer token of the admin API (also: env DEMONOLITH_ADMIN_TOKEN, [admin] tokens).",
           metavar="TOKEN"),
    Option("state-file", Path, "Where admin changes are kept (default: ROUTES.state.json)."),
    Option("drain-seconds", float, "On SIGTERM, how long in-flight requests may take to finish.",
           default=DEFAULT_DRAIN_SECONDS, minimum=0),
    Option("workers", int, "Worker processes sharing the listen port (SO_REUSEPORT).",
           default=1, minimum=1),
    Option("loop", str, "Event loop: uvloop when installed (auto), asyncio or uvloop.",
           default="auto", choices=LOOPS),
)
