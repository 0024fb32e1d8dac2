"""db.bulk_insert gives back the new ids in the rows' order, on both databases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai.db import bulk_insert
from rantai.identity.models import Organization
from rantai.kit.clock import now


def test_bulk_insert_returns_ids_in_the_rows_order(db: Session) -> None:
    moment = now()
    rows = [
        {
            "name": f"Bulk {n}",
            "org_type": "umkm",
            "region_code": None if n % 2 else "32.73",
            "created_at": moment,
        }
        for n in range(7)
    ]
    ids = bulk_insert(db, Organization, rows, return_ids=True)
    assert len(ids) == 7 and len(set(ids)) == 7
    names = dict(db.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())
    assert [names[i] for i in ids] == [row["name"] for row in rows]
    # Ids after these are still free for the next insert.
    more = bulk_insert(db, Organization, [{**rows[0], "name": "Bulk berikut"}], return_ids=True)
    assert more[0] > max(ids)
