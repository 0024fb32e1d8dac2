"""UMKM and cooperative profiles, verification, certifications, bulk import (issue #3).

Empty until that issue lands; the package exists so the layer contracts already name it."""
