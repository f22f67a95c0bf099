"""The proxy's configuration: what the routes file says, and what run-time changes made of it.

``routes_file`` reads and validates the TOML (with ``tables``, ``guard_tables`` and
``admin_tokens``) into the frozen value objects of ``model``; ``state`` keeps admin changes in the
sidecar state file, ``changes`` validates a requested change, and ``live`` holds the effective
config (file + state), reloads it and applies changes. Nothing here opens a socket.
"""
