"""The JSON door: ``/api/v1`` with problem+json errors."""
