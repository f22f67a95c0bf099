"""Allow ``python -m demonolith``."""

from demonolith.cli import main

main()
