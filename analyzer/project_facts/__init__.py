"""Steps 1-2 as one library call: a source tree -> ``ProjectFacts``, cached and in parallel.

Takes a root and :class:`~analyzer.project_facts.pipeline.FactsOptions`; runs
:mod:`analyzer.source` (discovery), :mod:`analyzer.facts` (one pure pass per file, in worker
processes, cached by content hash in :mod:`~analyzer.project_facts.cache`) and
:mod:`analyzer.resolve` (the project pass); gives ``ProjectFacts``, and writes them as the
deterministic ``facts.json`` (:mod:`~analyzer.project_facts.facts_json`).
"""
