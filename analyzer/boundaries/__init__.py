"""The proposal: dependency graph -> services, table owners and boundary violations.

Takes a :class:`~analyzer.graph.build.ProjectGraph` and the user's
:class:`~analyzer.boundaries.config.Config` (constraints, weights, seed, service count); gives a
:class:`~analyzer.boundaries.propose.Proposal`: the graph projected onto units, clustered
(seeded Louvain, the count chosen and scored), refined for transactions and constraints, minor
clusters folded, followers (tests, migrations) placed, shared-library candidates set aside,
clusters named, every table given one owner, and every crossing listed as a violation with a
remedy, the interfaces between services and their dependencies.
"""
