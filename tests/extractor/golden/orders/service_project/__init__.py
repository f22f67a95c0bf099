"""The orders service, extracted from shop by demonolith."""
