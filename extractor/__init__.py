"""Analysis + one service -> a runnable service skeleton on disk."""
