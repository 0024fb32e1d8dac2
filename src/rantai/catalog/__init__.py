"""What suppliers make and sell: products and capabilities, the platform category tree mapped to KBLI,
HS codes, units, prices in whole Rupiah, capacity and lead time."""
