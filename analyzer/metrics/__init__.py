"""Measuring a proposal and planning its migration.

Takes the dependency graph and a partition (``node -> service``), optionally a reference
decomposition from ``--reference``; gives the quality figures of the proposal beside its
baselines (one service per app, the monolith as one) and its agreement with the reference
(adjusted Rand index, MoJoFM). Takes the finished ``Analysis``; gives its ordered migration
plan.
"""
