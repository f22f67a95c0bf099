"""How right the progress line's "time left" is: ``demonolith analyze PATH`` cold on a pty.

    python bench/progress_estimate.py PATH [--jobs N]

Runs the real CLI with stderr on a pseudo-terminal and a fresh facts cache, keeps every redraw
of the ``reading`` line, and prints, at each tenth of the files, the estimate shown against the
time the phase really still took (ratio 1.0: right; the issue's target is within 2x), and the
whole run's estimate (``~N s in all``) against the run's real length (the process, start to
exit). Then the kept line of every phase. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNNING = re.compile(r"reading (\d+)/(\d+), ([\d.]+) s, ~([\d.]+) s left")
ENDED = re.compile(r"reading: .*?, ([\d.]+) s")
WHOLE = re.compile(r"reading (\d+)/(\d+), ([\d.]+) s, ~[\d.]+ s left \(~([\d.]+) s in all\)")


def terminal_of(argv: list[str]) -> tuple[str, float]:
    """Everything the command wrote to its stderr, a pseudo-terminal, and its wall seconds."""
    started = time.perf_counter()
    master, slave = pty.openpty()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=slave, cwd=REPO,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    process.wait()
    return b"".join(chunks).decode(errors="replace"), time.perf_counter() - started


def main() -> None:
    """Run once and print the estimates beside the truth."""
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        terminal, seconds = terminal_of([sys.executable, "-m", "demonolith", "analyze",
                                         str(args.path.resolve()), "--no-history", "--cache-dir",
                                         f"{work}/cache", "--out", f"{work}/out", "--jobs", str(args.jobs)])
    ended = ENDED.search(terminal)
    if ended is None:
        sys.exit("no reading phase on the terminal")
    total = float(ended.group(1))
    shown = -1
    for done, files, elapsed, left in RUNNING.findall(terminal):
        tenth = int(done) * 10 // int(files)
        actual = total - float(elapsed)
        if tenth > shown and actual > 0:
            shown = tenth
            print(f"{int(done) / int(files):4.0%} at {float(elapsed):5.1f} s: shown ~{left} s left, "
                  f"took {actual:.1f} s more (ratio {float(left) / actual:.2f})")
    shown = -1
    for done, files, elapsed, whole in WHOLE.findall(terminal):
        tenth = int(done) * 10 // int(files)
        if tenth > shown:
            shown = tenth
            print(f"{int(done) / int(files):4.0%} at {float(elapsed):5.1f} s into reading: the whole run "
                  f"shown ~{whole} s, took {seconds:.1f} s (ratio {float(whole) / seconds:.2f})")
    for line in terminal.replace("\r\n", "\n").split("\n"):
        if line.strip():
            print(line.split("\x1b[K")[-1])


if __name__ == "__main__":
    main()
