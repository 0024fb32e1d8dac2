"""Marker for translatable strings raised below the doors.

Domain code cannot translate (it does not know the user's language); it marks its English msgids with
``N_`` so that Babel's extractor finds them, and the doors translate them when showing them.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message
