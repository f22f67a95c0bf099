"""The billing service, extracted from extract_load by demonolith."""
