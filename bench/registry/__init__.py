"""Data generator and database helpers for the supplier registry benchmarks (import and directory)."""
