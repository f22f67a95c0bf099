"""``python -m strangler_proxy --routes routes.toml``: run the proxy alone, without demonolith."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from strangler_proxy.errors import ProxyError
from strangler_proxy.process.options import OPTIONS, Option
from strangler_proxy.process.run import check, run


def _converter(option: Option) -> Callable[[str], object]:
    """``option.kind``, refusing values below ``option.minimum`` (as click's ranges do)."""

    def convert(text: str) -> object:
        value = option.kind(text)
        if option.minimum is not None and value < option.minimum:  # type: ignore[operator]
            raise argparse.ArgumentTypeError(f"expected at least {option.minimum}, got {text}")
        return value

    return convert


def parser() -> argparse.ArgumentParser:
    """The argument parser: the shared :data:`OPTIONS`, and ``--check``."""
    parser = argparse.ArgumentParser(prog="strangler_proxy", description=__doc__)
    for option in OPTIONS:
        shown = "" if option.default is None else f" (default {option.default})"
        parser.add_argument(
            option.flag, type=_converter(option), default=option.default, metavar=option.metavar,
            required=option.required, choices=option.choices or None, help=option.help + shown)
    parser.add_argument("--check", action="store_true", help="validate the routes file and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run or check; errors become one line and exit status 2."""
    args = vars(parser().parse_args(argv))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.pop("check"):
            config = check(args["routes"])
            print(f"{args['routes']}: ok ({len(config.routes)} routes)")
        else:
            run(**args)
    except ProxyError as exc:
        print(f"strangler_proxy: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
