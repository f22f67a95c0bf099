"""Developer tooling (demo data). Not part of any service: it writes every app's tables."""
