"""Every domain's tables, imported in one place so Alembic and the tests see the whole schema."""

from __future__ import annotations

from rantai.analytics import models as analytics_models
from rantai.audit import models as audit_models
from rantai.catalog import index_changes  # noqa: F401  (registers the flush listener that queues index changes)
from rantai.catalog import models as catalog_models
from rantai.db import Base
from rantai.identity import idempotency as identity_idempotency
from rantai.identity import models as identity_models
from rantai.jobs import models as job_models
from rantai.notifications import models as notification_models
from rantai.orders import models as order_models
from rantai.reference import models as reference_models
from rantai.sourcing import models as sourcing_models
from rantai.sourcing.rfq import models as rfq_models
from rantai.suppliers import models as supplier_models

metadata = Base.metadata

__all__ = [
    "analytics_models",
    "audit_models",
    "catalog_models",
    "identity_idempotency",
    "identity_models",
    "job_models",
    "metadata",
    "notification_models",
    "order_models",
    "reference_models",
    "rfq_models",
    "sourcing_models",
    "supplier_models",
]
