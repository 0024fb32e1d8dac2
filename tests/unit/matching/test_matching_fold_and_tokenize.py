"""Case, punctuation and accent folding, and how text is cut into tokens."""

from __future__ import annotations

from rantai.matching.normalize import fold_text, normalize, tokenize


def test_case_and_accents_fold() -> None:
    assert fold_text("CAFÉ Kopi") == "cafe kopi"


def test_full_width_and_curly_punctuation_fold() -> None:
    assert fold_text("Ｋｏｐｉ １ｋｇ") == "kopi 1kg"
    assert fold_text("Men\u2019s 43\u201d") == "men's 43\""


def test_punctuation_separates_words() -> None:
    assert tokenize("alat/bahan (kantor), [baru]!") == ["alat", "bahan", "kantor", "baru"]


def test_apostrophe_joins() -> None:
    assert tokenize("l'oreal men's") == ["loreal", "mens"]


def test_hyphen_splits_two_words() -> None:
    assert tokenize("anti-air") == ["anti", "air"]


def test_reduplication_counts_once() -> None:
    assert tokenize("rambu-rambu") == ["rambu"]
    assert tokenize("obat-obatan") == ["obat"]
    assert normalize("sayur-sayuran segar") == ["sayur", "segar"]


def test_dash_variants_read_as_hyphen() -> None:
    assert normalize("obat\u2013obatan") == ["obat"]


def test_reduplicated_stopword_goes() -> None:
    assert normalize("masing-masing kaos") == ["kaos"]


def test_reduplicated_function_word_is_a_word_of_its_own() -> None:
    # oleh-oleh (souvenirs) must not fall to the stopword oleh (by).
    assert normalize("oleh-oleh khas Pontianak") == ["oleholeh", "khas", "pontianak"]
