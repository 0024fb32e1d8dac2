"""Catalog errors a user can cause (English msgids; the doors translate)."""

from __future__ import annotations

from rantai.kit.errors import Conflict, Invalid, NotFound
from rantai.kit.text import N_

MSG_PRODUCT_NOT_FOUND = N_("There is no such product in your catalog.")
MSG_NAME_REQUIRED = N_("Enter the product name.")
MSG_PRICE_RANGE = N_("The lowest price must not be above the highest price.")
MSG_NOT_POSITIVE = N_("Enter a whole number above zero.")
MSG_NOT_NEGATIVE = N_("Enter a whole number of zero or more.")
MSG_UNKNOWN_CODE = N_("Unknown %(kind)s: %(code)s. Choose it from the list.")
MSG_CODE_TAKEN = N_("Product code %(code)s is already used by another product of yours.")
MSG_PRODUCT_CHANGED = N_(
    "Someone saved this product after you opened it, so your changes are not saved yet. Check them "
    "against the current product (version %(version)s), then save again."
)


class ProductNotFound(NotFound):
    code = "product-not-found"


class ProductInvalid(Invalid):
    code = "product-invalid"


class ProductCodeTaken(Conflict):
    code = "product-code-taken"


class ProductChanged(Conflict):
    """The product was saved by someone else (a member, an import) since the form was opened."""

    code = "product-changed"
