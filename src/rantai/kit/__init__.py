"""Small generic helpers with no domain words: money, pagination, errors, clock, ids."""
