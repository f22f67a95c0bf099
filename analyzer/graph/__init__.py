"""Project facts -> one typed, weighted dependency graph.

Takes ``ProjectFacts``, the edge-weight table (:mod:`~analyzer.graph.weights`) and, optionally,
git commits; gives a :class:`~analyzer.graph.build.ProjectGraph`: a networkx ``MultiDiGraph`` of
modules, classes, functions, models, tables and routes joined by typed edges (import, call, fk,
orm and SQL access, signals, transactions, co-change), its table nodes annotated with the
framework app and the relations that decide their owner, plus the atomic blocks and writes.
"""
