"""Write a synthetic layered Django monolith with a known decomposition (not a test).

    .venv/bin/python bench/synthetic.py SEED DEST

Writes the project of ``SEED`` under ``DEST`` and its truth at ``DEST/truth.toml``; the same seed
gives the same bytes. The generator is ``bench/layered``; the truth format is
``bench/truth/README.md``. ``demonolith analyze DEST --reference DEST/truth.toml`` scores it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.layered import generate, write


def main() -> None:
    """Parse the command line and write the project."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seed", type=int)
    parser.add_argument("dest", type=Path)
    args = parser.parse_args()
    truth = write(args.seed, args.dest)
    print(f"{len(generate(args.seed))} files under {args.dest}; truth: {truth}")


if __name__ == "__main__":
    main()
