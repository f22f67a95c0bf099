"""The proposal: dependency graph -> services, table owners and boundary violations.

Takes a :class:`~analyzer.graph.build.ProjectGraph` and the user's
:class:`~analyzer.boundaries.config.Config` (constraints, weights, seed, service count); gives a
:class:`~analyzer.boundaries.propose.Proposal`: the entities (concrete models, raw tables)
clustered first on their own graph (hubs scaled down, CASCADE aggregates up; seeded Louvain, the
count chosen and scored), the code placed with the data it writes (else with its community's),
constraints applied, minor clusters folded, followers (tests, migrations) placed, shared-library
candidates set aside, clusters named, every table given one owner, every crossing listed as a
violation with a remedy, the interfaces between services and their dependencies, and why each
model and each split module is where it is.
"""
