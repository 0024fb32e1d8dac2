"""The tabular import toolkit every domain uses: reading CSV/XLSX, cell parsers, row errors and reports,
templates, batched upserts (issue #10). Domain words (which columns a supplier file has) stay in the
domains; this package knows files, cells and rows."""
