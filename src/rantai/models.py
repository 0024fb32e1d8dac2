"""Every domain's tables, imported in one place so Alembic and the tests see the whole schema."""

from __future__ import annotations

from rantai.db import Base
from rantai.identity import models as identity_models
from rantai.reference import models as reference_models

metadata = Base.metadata

__all__ = ["identity_models", "metadata", "reference_models"]
