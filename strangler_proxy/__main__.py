"""``python -m strangler_proxy --routes routes.toml``: run the proxy alone, without demonolith."""

from __future__ import annotations

import argparse
import logging
import sys

from strangler_proxy.errors import ProxyError
from strangler_proxy.process.event_loop import LOOPS
from strangler_proxy.process.run import check, run


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run or check; errors become one line and exit status 2."""
    parser = argparse.ArgumentParser(prog="strangler_proxy", description=__doc__)
    parser.add_argument("--routes", required=True, help="routes file (TOML)")
    parser.add_argument("--listen", help="HOST:PORT for client traffic (default 127.0.0.1:8000)")
    parser.add_argument("--admin", help="HOST:PORT for /metrics, or 'off' (default 127.0.0.1:8001)")
    parser.add_argument("--access-log", help="'-' (stdout), 'off' or a file path")
    parser.add_argument("--check", action="store_true", help="validate the routes file and exit")
    parser.add_argument("--tls-cert", help="PEM certificate (chain) file: serve clients over TLS")
    parser.add_argument("--tls-key", help="PEM private key file of --tls-cert")
    parser.add_argument("--admin-token", help="admin API bearer token (or DEMONOLITH_ADMIN_TOKEN)")
    parser.add_argument("--state-file", help="admin changes file (default ROUTES.state.json)")
    parser.add_argument("--drain-seconds", type=float, default=30.0,
                        help="on SIGTERM, how long in-flight requests may finish (default 30)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes sharing the port with SO_REUSEPORT (default 1)")
    parser.add_argument("--loop", choices=LOOPS, default="auto",
                        help="event loop: uvloop when installed (auto), asyncio or uvloop")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.check:
            config = check(args.routes)
            print(f"{args.routes}: ok ({len(config.routes)} routes)")
        else:
            run(args.routes, args.listen, args.admin, args.access_log,
                tls_cert=args.tls_cert, tls_key=args.tls_key, admin_token=args.admin_token,
                state_file=args.state_file, drain_seconds=args.drain_seconds,
                workers=args.workers, loop=args.loop)
    except ProxyError as exc:
        print(f"strangler_proxy: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
