"""Products and capabilities of suppliers (issue #3).

Empty until that issue lands; the package exists so the layer contracts already name it."""
