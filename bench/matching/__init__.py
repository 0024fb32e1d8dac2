"""Helpers of the matching benchmarks: the generated catalogue and queries, and the full-text baselines."""
