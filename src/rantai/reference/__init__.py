"""Reference data shipped with Rantai: KBLI 2020, Kemendagri regions, BTKI 2022, units of measure,
certification types, the PP 7/2021 size thresholds, kemitraan patterns and the UMKM reservation rules
(``reservation``: the rule in force for a buyer kind and the check of an award against it).

``service.load_reference_data`` loads it (``rantai db upgrade`` calls it); ``repository`` answers look-ups.
"""
