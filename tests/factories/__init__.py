"""Typed builders of test data, one module per domain."""
