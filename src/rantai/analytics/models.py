"""Analytics tables (issue #15): what a buyer tells the platform that the platform cannot see itself.

The UMK share of Inpres 2/2022 is a share of a buyer's whole goods-and-services budget, most of which is
spent off the platform; so each buyer enters its budget (pagu belanja barang/jasa) per year and the share
is the platform's spend with micro and small businesses and cooperatives over it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from rantai.db import Base
from rantai.kit.clock import now


class BuyerBudget(Base):
    """A buyer's goods-and-services budget (pagu) for one year, in whole Rupiah, as it entered it."""

    __tablename__ = "analytics_buyer_budget"
    __table_args__ = (CheckConstraint("pagu > 0", name="pagu_positive"),)

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    pagu: Mapped[int] = mapped_column(BigInteger)
    entered_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    entered_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)
