"""The data path: sockets, parsing and relaying, built on asyncio Protocols and httptools.

``proxy`` is the running proxy (listeners, pools, shadow workers, metrics, admin listener); each
client connection is a ``client`` protocol, each request a ``forward``-ing that tries upstream
connections from ``upstream`` pools through an ``exchange`` (or the task-free ``fastpath``),
passes ``guards`` first, copies to ``shadow`` (marked by ``shadow_marking``), and may become a
``tunnel``. ``ports``,
``in_flight`` and ``forwarding_host`` are the Protocols through which these modules see one
another, so the imports run one way.
"""
