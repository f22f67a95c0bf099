"""Proxy benchmark: wrk against a static backend directly, through nginx, and through our proxy.

Usage (from the repository root; needs the Debian packages ``wrk`` and ``nginx``)::

    .venv/bin/python bench/proxy.py [--duration 10] [--connections 50,400] [--threads 2] [--workers 2]

One run starts, on 127.0.0.1 ports chosen free: a static backend (nginx, 1 worker, ``return 200``),
nginx as reverse proxy (1 worker, keep-alive upstream pool, access log on, X-Forwarded-For and
X-Request-ID set) and ``python -m strangler_proxy`` (1 process, a normal route: routing, headers,
metrics, JSON access log to a file); then the same route with a 100 % shadow copy to a second
static backend. With ``--workers N`` the same run adds nginx with N worker processes and
``strangler_proxy --workers N`` (N processes on one port, SO_REUSEPORT), the latter compared with
the former. It prints requests/s, p50 and p99 for each, the ratios to nginx, and the CPU time
(user + system, from ``/proc``) each proxy spent per request: on a shared machine the requests/s
ratio moves with whoever else runs, the CPU cost per request much less. ``--repeat N`` runs the
whole set N times and adds a table of the medians, with the load average around each run.
``--connections`` takes a comma-separated list (default ``50,400``): the whole set runs once per
count, and wrk's timeout count is printed for each path (wrk -c400 with its default 2 s timeout
shows a server that leaves connections unanswered while it is CPU-bound).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import statistics
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
worker_processes {workers}; daemon off; pid {tmp}/{name}.pid; error_log {tmp}/{name}.err warn;
events {{ worker_connections 4096; }}
http {{
  access_log {tmp}/nginx-access.log combined buffer=64k flush=1s;
  upstream backend {{ server 127.0.0.1:{backend}; keepalive 64; keepalive_requests 1000000; }}
  server {{
    listen 127.0.0.1:{port} backlog=1024{reuseport}; keepalive_requests 1000000;
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
    cpu_us: float = 0.0  # CPU (user + system) of the measured server per request, microseconds
    timeouts: int = 0  # wrk's "timeout" socket errors (no answer within 2 s)


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


def nginx(
    conf: str, tmp: Path, name: str, port: int
) -> contextlib.AbstractContextManager[subprocess.Popen[bytes]]:
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants (living ones), from /proc."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(cpu_seconds(int(child)) for child in children)


def wrk(name: str, url: str, args: argparse.Namespace, server: int | None = None) -> Result:
    """Run wrk with latency percentiles and parse its report (``server``: a pid whose CPU time
    per request is measured)."""
    before = cpu_seconds(server) if server else 0.0
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = parse_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = parse_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"(Socket errors:.*|Non-2xx.*)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    used = cpu_seconds(server) - before if server else 0.0
    cpu_us = used / (rps * args.duration) * 1e6 if rps else 0.0
    return Result(name, rps, p50, p99, errors.group(1) if errors else "", cpu_us,
                  int(timeouts.group(1)) if timeouts else 0)


def run_all(args: argparse.Namespace, tmp: Path) -> list[Result]:
    """Start every server and measure each path once (after a short warm-up)."""
    backend, shadow_port = free_port(), free_port()
    path = "/api/items"
    results = []
    with nginx(BACKEND_CONF.format(tmp=tmp, name="backend", port=backend), tmp, "backend",
               backend), \
         nginx(BACKEND_CONF.format(tmp=tmp, name="shadow", port=shadow_port), tmp, "shadow",
               shadow_port):
        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        wrk("warm-up", f"http://127.0.0.1:{backend}{path}", warm)
        results.append(wrk("direct", f"http://127.0.0.1:{backend}{path}", args))
        results.append(nginx_proxy("nginx", 1, backend, args, tmp))
        for name, mirror in (("demonolith", ""), ("demonolith+shadow", 'mirror = "shadow"')):
            results.append(ours(name, mirror, backend, shadow_port, args, tmp))
        if args.workers > 1:
            results.append(nginx_proxy(f"nginx x{args.workers}", args.workers, backend, args, tmp))
            results.append(ours(f"demonolith x{args.workers}", "", backend, shadow_port, args, tmp,
                                ["--workers", str(args.workers)]))
    return results


def nginx_proxy(name: str, workers: int, backend: int, args: argparse.Namespace,
                tmp: Path) -> Result:
    """Measure nginx as reverse proxy with ``workers`` worker processes."""
    port = free_port()
    file_name = f"nginx-proxy-{workers}"
    conf = NGINX_PROXY_CONF.format(tmp=tmp, name=file_name, port=port, backend=backend,
                                   workers=workers, reuseport=" reuseport" if workers > 1 else "")
    with nginx(conf, tmp, file_name, port) as process:
        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        wrk("warm-up", f"http://127.0.0.1:{port}/api/items", warm)
        return wrk(name, f"http://127.0.0.1:{port}/api/items", args, process.pid)


def ours(name: str, mirror: str, backend: int, shadow: int, args: argparse.Namespace,
         tmp: Path, extra: list[str] | None = None) -> Result:
    """Measure ``python -m strangler_proxy`` with one route (optionally mirrored)."""
    port, admin = free_port(), free_port()
    slug = re.sub(r"[^a-z0-9]+", "-", name)
    routes = tmp / f"{slug}.toml"
    routes.write_text(ROUTES.format(backend=backend, shadow=shadow, mirror=mirror))
    command = [sys.executable, "-m", "strangler_proxy", "--routes", str(routes),
               "--listen", f"127.0.0.1:{port}", "--admin", f"127.0.0.1:{admin}",
               "--access-log", str(tmp / f"{slug}-access.log"), "--loop", args.loop, *(extra or [])]
    with running(command, port, tmp / f"{slug}.out") as process:
        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        wrk("warm-up", f"http://127.0.0.1:{port}/api/items", warm)
        return wrk(name, f"http://127.0.0.1:{port}/api/items", args, process.pid)


def report(results: list[Result], args: argparse.Namespace, title: str = "") -> str:
    """A Markdown table of the results with ratios to nginx (``xN`` rows: to nginx ``xN``)."""
    bases = {r.name.partition(" ")[2]: r for r in results if r.name.startswith("nginx")}
    lines = [
        title or f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
        "",
        "| path | req/s | p50 ms | p99 ms | req/s vs nginx | added p99 vs nginx ms "
        "| CPU us/req | wrk timeouts | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        base = bases[r.name.partition(" ")[2] if r.name.endswith(f"x{args.workers}") else ""]
        cpu = f"{r.cpu_us:.1f}" if r.cpu_us else "-"
        lines.append(
            f"| {r.name} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
            f"{r.rps / base.rps:.2f}x | {r.p99_ms - base.p99_ms:+.2f} | {cpu} | {r.timeouts} "
            f"| {r.errors or '-'} |"
        )
    return "\n".join(lines)


def medians(runs: list[list[Result]]) -> list[Result]:
    """Per path, the median of each figure over the runs; ratios are medians of the per-run
    ratios (each run compares with its own nginx), carried as requests/s relative to nginx."""
    merged = []
    for index, first in enumerate(runs[0]):
        same = [run[index] for run in runs]
        merged.append(Result(
            first.name, statistics.median(r.rps for r in same),
            statistics.median(r.p50_ms for r in same), statistics.median(r.p99_ms for r in same),
            "; ".join(sorted({r.errors for r in same if r.errors})),
            statistics.median(r.cpu_us for r in same), max(r.timeouts for r in same)))
    return merged


def ratio_medians(runs: list[list[Result]], args: argparse.Namespace) -> list[str]:
    """The median (and range) over the runs of each path's requests/s ratio to its nginx."""
    lines = []
    for index, first in enumerate(runs[0]):
        ratios = []
        for run in runs:
            bases = {r.name.partition(" ")[2]: r for r in run if r.name.startswith("nginx")}
            key = run[index].name.partition(" ")[2] if first.name.endswith(f"x{args.workers}") else ""
            ratios.append(run[index].rps / bases[key].rps)
        lines.append(f"- {first.name}: median {statistics.median(ratios):.2f}x nginx "
                     f"(runs: {', '.join(f'{r:.2f}' for r in ratios)})")
    return lines


def main() -> int:
    """Parse options, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", default="50,400",
                        help="comma-separated wrk connection counts, one run of the set each")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1,
                        help="also compare N proxy processes with nginx's N workers")
    parser.add_argument("--loop", default="auto", choices=("auto", "asyncio", "uvloop"),
                        help="our proxy's event loop (default auto: uvloop when installed)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the whole set N times and add the medians")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            print(f"bench/proxy.py: '{tool}' not found (apt-get install -y {tool})", file=sys.stderr)
            return 2
    for connections in [int(count) for count in str(args.connections).split(",")]:
        run_set(argparse.Namespace(**{**vars(args), "connections": connections}))
    return 0


def run_set(args: argparse.Namespace) -> None:
    """The whole set ``--repeat`` times at one connection count, then the medians."""
    runs = []
    for number in range(1, args.repeat + 1):
        load = os.getloadavg()
        with tempfile.TemporaryDirectory(prefix="demonolith-bench-") as tmp:
            runs.append(run_all(args, Path(tmp)))
        after = os.getloadavg()
        print(report(runs[-1], args) + f"\n\nrun {number}/{args.repeat} at "
              f"{time.strftime('%H:%M')}; load average (1 min) {load[0]:.2f} before, "
              f"{after[0]:.2f} after\n", flush=True)
    if args.repeat > 1:
        print(report(medians(runs), args, f"Median of {args.repeat} runs"))
        print("\n" + "\n".join(ratio_medians(runs, args)))


if __name__ == "__main__":
    sys.exit(main())
