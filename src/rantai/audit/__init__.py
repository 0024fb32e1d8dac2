"""The audit trail: one typed helper every domain records its events with, event names as constants,
each entry carrying the resource and its parties, chained per organization so tampering shows (issue #10).
Knows no domain rules; domains above it say what happened.

``record(session, Event.X, resource id, [organization ids], by=actor)``: the event says what kind of
resource it is about; the first organization is the one whose log the entry is in.
"""

from rantai.audit.events import Event, ResourceType
from rantai.audit.log import By, Entry, record, record_many

__all__ = ["By", "Entry", "Event", "ResourceType", "record", "record_many"]
