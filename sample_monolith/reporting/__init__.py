"""Reporting: sales and stock reports, mostly hand-written SQL over everyone's tables."""
