"""Bulk import of suppliers and products from CSV and XLSX files (issue #3): the pure file layer.

Reading (``reading``), header checks and the column specs (``columns``), cell parsers (``cells``), row
validation into typed records (``validate``, ``records``), the error report (``report``) and the
templates (``templates``). No database and no web here: look-ups come in as callbacks, messages leave as
English msgids for the doors to translate, and rows stream from the file to the caller one at a time.

    with open_table(path) as table:
        warnings = check_headers(table.headers, SUPPLIERS, header_row=table.header_row).warnings()
        for result in validate_suppliers(table, resolve_region=..., known_kbli=...):
            ...  # a SupplierRecord to upsert, or a RejectedRow for the report
"""

from rantai.suppliers.importing.cells import (
    CERTIFICATION_TYPES,
    CellError,
    Certification,
    CertificationTypes,
    LegalForm,
    RegionMatch,
)
from rantai.suppliers.importing.columns import PRODUCTS, SUPPLIERS, HeaderReport, ImportSpec, check_headers
from rantai.suppliers.importing.reading import FileFormat, Table, open_table
from rantai.suppliers.importing.records import (
    ProductRecord,
    ProductResult,
    RejectedRow,
    RowError,
    SupplierRecord,
    SupplierResult,
    name_key,
)
from rantai.suppliers.importing.report import write_report_csv, write_report_xlsx
from rantai.suppliers.importing.templates import write_template_csv, write_template_xlsx
from rantai.suppliers.importing.validate import validate_products, validate_suppliers

__all__ = [
    "CERTIFICATION_TYPES",
    "PRODUCTS",
    "SUPPLIERS",
    "CellError",
    "Certification",
    "CertificationTypes",
    "FileFormat",
    "HeaderReport",
    "ImportSpec",
    "LegalForm",
    "ProductRecord",
    "ProductResult",
    "RegionMatch",
    "RejectedRow",
    "RowError",
    "SupplierRecord",
    "SupplierResult",
    "Table",
    "check_headers",
    "name_key",
    "open_table",
    "validate_products",
    "validate_suppliers",
    "write_report_csv",
    "write_report_xlsx",
    "write_template_csv",
    "write_template_xlsx",
]
