"""Purchase orders, deliveries (BAST), invoices and payments (later issues).

Empty until that issue lands; the package exists so the layer contracts already name it."""
