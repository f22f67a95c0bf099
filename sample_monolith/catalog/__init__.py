"""Catalog: categories, tags and products."""
