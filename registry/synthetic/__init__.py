"""``registry generate``: synthetic catalogues for tests and benchmarks."""
