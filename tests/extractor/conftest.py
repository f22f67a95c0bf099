"""Keep pytest out of the golden files (they are generated projects with their own tests)."""

collect_ignore_glob = ["golden/*"]
