"""Static analysis of a Django monolith: source tree -> facts -> graph -> boundaries -> Analysis."""
