"""Open Contracting Data Standard 1.1.5 (issue #15): the one mapping between Rantai's procurement facts and
OCDS releases (``mapping``), the record compiler and the package writers (``packages``), the schemas and
extensions they use (``schema``, ``extensions/``).

Pure like the matching engine: plain data in, JSON-ready dictionaries out; no database, no web. The query
side that streams the platform's data in is ``rantai.analytics.open_data``; the award import reads OCDS
award releases back through ``mapping`` too.
"""
