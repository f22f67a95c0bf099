"""Allow ``python -m demonolith``, with the exit code the console script gives."""

import sys

from demonolith.cli import main

sys.exit(main())
