"""Reading the tree on disk: which files to read, which settings, which Django apps.

Takes a directory (a repository root, a ``src/`` layout or a package directory) and the
``[tool.demonolith]`` table found in it; gives a :class:`~analyzer.source.discover.Project` (the
files with their module names, the statically read settings, the apps and the listing's
warnings), the discovery options and the targeted Django version. Settings files are read with
the parsing helpers of :mod:`analyzer.facts`; nothing is imported or run.
"""
