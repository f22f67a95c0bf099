"""Pure decisions of the proxy, no I/O: which route and upstream (``routing``), whether an upstream
may be tried (``breaker``), rate limits (``ratelimit``), injected faults (``faults``), header and
path rules (``headers``, ``paths``), and how a shadow response differs from the primary's
(``response_diff``). Each reads the config's value objects and is tested alone.
"""
