"""Pure decisions of the proxy, no I/O: which route and upstream (``routing``), whether an upstream
may be tried (``breaker``), rate limits (``ratelimit``), injected faults (``faults``), header and
path rules (``headers``, ``paths``), how a shadow response differs from the primary's
(``response_diff``), and the automatic canary's decisions and states (``promotion``,
``mann_whitney``, ``promotion_state``). Each reads the config's value objects and is tested alone.
"""
