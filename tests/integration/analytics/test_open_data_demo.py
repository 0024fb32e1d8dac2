"""The demo's open data (issue #15): the demo loaded on a small seed (registry, needs, RFQs, orders with
deliveries, BAST, invoices and payments) exports as OCDS packages that validate against OCDS 1.1.5 with
the declared extensions, with zero errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy.orm import Session
from tests.factories.ocds import schema_errors

from rantai.analytics import open_data
from rantai.demo.orders import load_demo_orders
from rantai.demo.procurement import load_demo_procurement, load_demo_supplier_login
from rantai.demo.registry import load_demo_registry
from rantai.demo.rfqs import load_demo_rfqs
from rantai.demo.seed import load_demo_identity

TODAY = dt.date(2026, 12, 1)


def test_the_demo_exports_valid_packages(db: Session, tmp_path: Path) -> None:
    load_demo_identity(db)
    load_demo_registry(db, suppliers=150, seed=3)
    load_demo_procurement(db, today=TODAY, needs_per_buyer=12)
    load_demo_supplier_login(db, today=TODAY)
    load_demo_rfqs(db)
    load_demo_orders(db)
    done = open_data.export(db, tmp_path, prefix="ocds-demo01", base_url="http://127.0.0.1:8000", size=5)
    assert done.processes >= 3 and done.files == 2 * -(-done.processes // 5)
    tags: set[str] = set()
    for path in sorted(tmp_path.glob("*.json")):
        package = json.loads(path.read_text(encoding="utf-8"))
        assert schema_errors(package) == [], path.name
        tags |= {t for r in package.get("releases", []) for t in r["tag"]}
    # The demo's orders reach the open data: awards, contracts, milestones and payments.
    assert {"tender", "award", "contract", "implementation"} <= tags
