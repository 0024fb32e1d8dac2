"""Programme KPIs and OCDS open data (later issues).

Empty until that issue lands; the package exists so the layer contracts already name it."""
