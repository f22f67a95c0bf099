"""Boundaries kept in continuous integration: contracts and the crossing ratchet.

Takes an ``Analysis`` (a saved ``analysis.json``) and the source tree as it is now; gives
import-linter contracts for the proposed services (``demonolith contracts``) and the verdict of
``demonolith check``: whether the code crosses the boundaries more than it did.
"""
