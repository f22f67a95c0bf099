"""The shipping service, extracted from sample_monolith by demonolith."""
