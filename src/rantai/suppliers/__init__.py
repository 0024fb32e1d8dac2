"""UMKM and cooperative supplier profiles: identity (NIB, NPWP), address, KBLI, size class with its history,
certifications, verification, privacy masking and bulk import."""
