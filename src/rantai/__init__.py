"""Rantai: the platform that links UMKM and cooperatives to the supply chains of BUMN and large buyers."""

__version__ = "0.1.0"
