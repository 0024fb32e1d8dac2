"""PO and invoice financing by partner lenders (a later issue).

What belongs here: a lender's offers on a verified purchase order or invoice, the financing agreement and
its lifecycle (offered, accepted, disbursed, repaid, defaulted) as a transition table, the assignment of
the buyer's payment to the lender, and the lender's portfolio. It sits above ``rantai.orders`` because it
finances orders and invoices and is repaid from their payments; analytics reads it for the lender's KPIs.
Empty until that issue lands; the package exists so the layer contracts already name it."""
