"""Analysis -> HTML report, JSON, Markdown and DOT."""
