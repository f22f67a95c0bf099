"""Shared helpers every app imports: money, JSON HTTP helpers, background tasks, base models.

This is the classic "common" package of a monolith. It owns no tables; it is a shared-library
candidate when the monolith is split.
"""
