"""Printed documents (issue #12): a PO version and a BAST as HTML (``render.html_of``) and as PDF
(``render.pdf_of``, WeasyPrint), and the worker's job that renders and stores each PDF (``tasks``).

Above the domains and below the doors: the orders domain says what a document holds
(``orders.documents``, plain data) but may not import Jinja2; the web door shows the same HTML as a page
and serves the stored PDF, and the worker (a door that cannot import the web door) runs the job, so
both take the templates from here. Imports no web framework (an import-linter contract).
"""
