"""The order of the unit pickers (product form, need form): the units most used in products and need
lines first, then the rest alphabetically by their label in the viewer's language (issue #13: 64 units
sorted by kind read as an odd order, with "buah" and "kg" far down the list).

The counts are two GROUP BY queries over every product and need line, so they are kept by the process
for `shortlists.REFERENCE_SECONDS` like the other reference data (a new favourite shows up within
minutes, which is soon enough for an ordering).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rantai.catalog.models import Product
from rantai.sourcing.models import NeedLine
from rantai.sourcing.shortlists import reference, unit_rows

MOST_USED = 12  # how many of the most used units lead the list


def _use_counts(session: Session) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for column in (Product.unit_code, NeedLine.unit_code):
        for code, n in session.execute(
            select(column, func.count()).where(column.is_not(None)).group_by(column)
        ):
            if code is not None:  # the WHERE left none out; mypy cannot know
                counts[code] += n
    return dict(counts)


def use_counts(session: Session) -> dict[str, int]:
    """Unit code -> how many products and need lines use it (kept by the process for a few minutes)."""
    return reference.get(session, "unit-use", _use_counts)


def ordered_units(session: Session, locale: str, *, most_used: int = MOST_USED) -> list[tuple[str, str]]:
    """(code, label) of every unit: the `most_used` most used first (most used first; ties by label),
    then the rest by label."""
    labels = {
        code: (name_id if locale == "id" else name_en) for code, _, _, name_id, name_en in unit_rows(session)
    }
    counts = use_counts(session)
    used = sorted(
        (code for code in labels if counts.get(code, 0) > 0),
        key=lambda code: (-counts[code], labels[code].casefold()),
    )[:most_used]
    first = set(used)
    rest = sorted((code for code in labels if code not in first), key=lambda code: labels[code].casefold())
    return [(code, labels[code]) for code in (*used, *rest)]
