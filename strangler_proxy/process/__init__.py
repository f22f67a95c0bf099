"""One proxy process, or a supervisor and its workers, from start to exit.

``options`` is the one table of command-line options; ``run`` starts the proxy as they say,
``lifecycle`` serves until a signal and drains, ``supervisor`` runs ``--workers N`` processes of
``worker``, and ``event_loop`` chooses asyncio or uvloop. This is the top of the package: it may
import every other sub-package.
"""
