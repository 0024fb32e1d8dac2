"""The tabular import toolkit every domain uses (issue #10): no database rules, no web, no domain words
beyond the Indonesian identifiers every business file carries (NIB, NPWP, KBLI, region codes).

- ``reading``: opening CSV or XLSX safely (encoding, delimiter, zip-bomb limits) and streaming rows as text;
- ``cells``: one typed value from what a person typed in a cell (Rupiah, counts, NIB, NPWP, KBLI, HS, units);
- ``columns``: a file's columns (``ImportSpec``) and the header check;
- ``validate``: the row machinery a domain's validator is made of (``RowPlan``, ``memo``, ``data_rows``);
- ``records``: a row's errors (``RowError``) and a refused row (``RejectedRow``);
- ``report`` and ``templates``: the downloadable error report and the template, as CSV or XLSX;
- ``batches``: the modes, the outcome, and the two steps of every import (check every row, then write).

What a file holds is the domain's: ``suppliers.import_file`` (suppliers), ``catalog.import_file``
(products), ``sourcing.plan_file`` (procurement plans). Look-ups come in as callbacks and messages leave as
English msgids for the doors to translate.

    with open_table(path) as table:
        for result in validate_suppliers(table, resolve_region=..., known_kbli=...):
            ...  # a SupplierRecord to upsert, or a RejectedRow for the report
"""
