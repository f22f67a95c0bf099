"""The project pass: per-file ``ModuleFacts`` -> one ``ProjectFacts``.

Takes the discovered :class:`~analyzer.source.discover.Project` and the facts of every file;
gives the facts resolved across modules: re-exports and star imports followed, model candidates
decided into models with labels and tables, URL ``include`` chains joined into full routes (and
which need a logged-in user), and SQL run through ``.sql`` files or helpers of other modules
attributed to the code that runs it.
"""
