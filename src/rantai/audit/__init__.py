"""The audit trail: one typed helper every domain records its events with, event names as constants,
each entry carrying the resource and its parties, chained per organization so tampering shows (issue #10).
Knows no domain rules; domains above it say what happened."""
