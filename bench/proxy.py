"""Proxy benchmark: wrk against a static backend directly, through nginx, and through our proxy.

Usage (from the repository root; needs the Debian packages ``wrk`` and ``nginx``)::

    .venv/bin/python bench/proxy.py [--duration 10] [--connections 50] [--threads 2]

One run starts, on 127.0.0.1 ports chosen free: a static backend (nginx, 1 worker, ``return 200``),
nginx as reverse proxy (1 worker, keep-alive upstream pool, access log on, X-Forwarded-For and
X-Request-ID set) and ``python -m strangler_proxy`` (1 process, a normal route: routing, headers,
metrics, JSON access log to a file); then the same route with a 100 % shadow copy to a second
static backend. It prints requests/s, p50 and p99 for each, and the ratios to nginx.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACKEND_CONF = """
worker_processes 1; daemon off; pid {tmp}/{name}.pid; error_log {tmp}/{name}.err warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  server {{ listen 127.0.0.1:{port} reuseport backlog=1024; keepalive_requests 1000000;
           location / {{ return 200 'hello from the static backend\\n'; }} }}
}}
"""
NGINX_PROXY_CONF = """
worker_processes 1; daemon off; pid {tmp}/nginx-proxy.pid; error_log {tmp}/nginx-proxy.err warn;
events {{ worker_connections 4096; }}
http {{
  access_log {tmp}/nginx-access.log combined buffer=64k flush=1s;
  upstream backend {{ server 127.0.0.1:{backend}; keepalive 64; keepalive_requests 1000000; }}
  server {{
    listen 127.0.0.1:{port} backlog=1024; keepalive_requests 1000000;
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-ID $request_id;
    }}
  }}
}}
"""
ROUTES = """
[upstreams.monolith]
url = "http://127.0.0.1:{backend}"
[upstreams.catalog]
url = "http://127.0.0.1:{backend}"
[upstreams.shadow]
url = "http://127.0.0.1:{shadow}"

[[routes]]
name = "catalog"
path_prefix = "/api/"
to = "catalog"
fallback = "monolith"
{mirror}

[default]
to = "monolith"
"""


@dataclass(frozen=True)
class Result:
    """One wrk run."""

    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: str


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    """Block until something accepts connections on ``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@contextlib.contextmanager
def running(args: list[str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process for the duration of the block."""
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_for_port(port)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx(conf: str, tmp: Path, name: str, port: int) -> contextlib.AbstractContextManager[object]:
    """Run nginx with ``conf`` written to ``tmp``."""
    path = tmp / f"{name}.conf"
    path.write_text(conf)
    return running(["nginx", "-c", str(path), "-p", str(tmp)], port, tmp / f"{name}.out")


def parse_ms(text: str) -> float:
    """wrk's ``1.23ms`` / ``450.00us`` / ``1.02s`` -> milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if match is None:
        raise ValueError(f"cannot read wrk latency {text!r}")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(name: str, url: str, args: argparse.Namespace) -> Result:
    """Run wrk with latency percentiles and parse its report."""
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = parse_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = parse_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"(Socket errors:.*|Non-2xx.*)", output)
    return Result(name, rps, p50, p99, errors.group(1) if errors else "")


def run_all(args: argparse.Namespace, tmp: Path) -> list[Result]:
    """Start every server and measure each path once (after a short warm-up)."""
    backend, shadow_port, nginx_port = free_port(), free_port(), free_port()
    path = "/api/items"
    results = []
    with nginx(BACKEND_CONF.format(tmp=tmp, name="backend", port=backend), tmp, "backend",
               backend), \
         nginx(BACKEND_CONF.format(tmp=tmp, name="shadow", port=shadow_port), tmp, "shadow",
               shadow_port):
        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        wrk("warm-up", f"http://127.0.0.1:{backend}{path}", warm)
        results.append(wrk("direct", f"http://127.0.0.1:{backend}{path}", args))
        conf = NGINX_PROXY_CONF.format(tmp=tmp, port=nginx_port, backend=backend)
        with nginx(conf, tmp, "nginx-proxy", nginx_port):
            wrk("warm-up", f"http://127.0.0.1:{nginx_port}{path}", warm)
            results.append(wrk("nginx", f"http://127.0.0.1:{nginx_port}{path}", args))
        for name, mirror in (("demonolith", ""), ("demonolith+shadow", 'mirror = "shadow"')):
            results.append(ours(name, mirror, backend, shadow_port, args, tmp))
    return results


def ours(name: str, mirror: str, backend: int, shadow: int, args: argparse.Namespace,
         tmp: Path) -> Result:
    """Measure ``python -m strangler_proxy`` with one route (optionally mirrored)."""
    port, admin = free_port(), free_port()
    routes = tmp / f"{name}.toml"
    routes.write_text(ROUTES.format(backend=backend, shadow=shadow, mirror=mirror))
    command = [sys.executable, "-m", "strangler_proxy", "--routes", str(routes),
               "--listen", f"127.0.0.1:{port}", "--admin", f"127.0.0.1:{admin}",
               "--access-log", str(tmp / f"{name}-access.log")]
    with running(command, port, tmp / f"{name}.out"):
        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        wrk("warm-up", f"http://127.0.0.1:{port}/api/items", warm)
        return wrk(name, f"http://127.0.0.1:{port}/api/items", args)


def report(results: list[Result], args: argparse.Namespace) -> str:
    """A Markdown table of the results with ratios to nginx."""
    base = next(r for r in results if r.name == "nginx")
    lines = [
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
        "",
        "| path | req/s | p50 ms | p99 ms | req/s vs nginx | added p99 vs nginx ms | errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
            f"{r.rps / base.rps:.2f}x | {r.p99_ms - base.p99_ms:+.2f} | {r.errors or '-'} |"
        )
    return "\n".join(lines)


def main() -> int:
    """Parse options, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            print(f"bench/proxy.py: '{tool}' not found (apt-get install -y {tool})", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="demonolith-bench-") as tmp:
        print(report(run_all(args, Path(tmp)), args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
