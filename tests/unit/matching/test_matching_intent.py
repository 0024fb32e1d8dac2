"""Quick entry: a typed sentence read into text, quantity, unit, certificates and place."""

from __future__ import annotations

import pytest

from rantai.matching import ParsedNeed, parse_need


def test_the_issue_s_sentence() -> None:
    assert parse_need("keripik singkong 5.000 bungkus, halal, kirim ke Kota Bandung") == ParsedNeed(
        text="keripik singkong", quantity=5000, unit="bungkus", certs=("halal",), place="Kota Bandung"
    )


def test_quantity_first_and_dikirim_ke() -> None:
    assert parse_need("1.500 pcs kaos polos sablon SNI dikirim ke Kabupaten Bogor") == ParsedNeed(
        text="kaos polos sablon", quantity=1500, unit="buah", certs=("sni",), place="Kabupaten Bogor"
    )


@pytest.mark.parametrize(
    ("sentence", "text", "quantity", "unit"),
    [
        ("seragam kerja 200 stel", "seragam kerja", 200, "set"),
        ("beras 10 kg", "beras", 10, "kg"),
        ("pasir 2,5 ton", "pasir", 2500, "kg"),  # a fraction moves to the smaller unit
        ("kue kering 0,5 kg", "kue kering", 500, "gram"),
        ("minyak goreng 1,5 liter", "minyak goreng", 1500, "mililiter"),
        ("kopi bubuk 1,5 dus", "kopi bubuk", 2, "dus"),  # no smaller unit: rounded up
        ("kertas 1.250.000 lembar", "kertas", 1_250_000, "lembar"),
        ("air mineral 12 btl", "air mineral", 12, "botol"),
        ("gula 50 karung", "gula", 50, "karung"),
        ("semen 100 zak", "semen", 100, "sak"),
        ("sepatu 30 psg", "sepatu", 30, "pasang"),
        ("map 20 lbr", "map", 20, "lembar"),
        ("mi instan 40 kardus", "mi instan", 40, "dus"),
        ("teh 10 pack", "teh", 10, "pak"),
        ("telur 3 biji", "telur", 3, "buah"),
        ("keripik 200 bks", "keripik", 200, "bungkus"),
        ("cabai 300 gr", "cabai", 300, "gram"),
        ("solar 20 ltr", "solar", 20, "liter"),
    ],
)
def test_quantity_and_unit_words(sentence: str, text: str, quantity: int, unit: str) -> None:
    parsed = parse_need(sentence)
    assert (parsed.text, parsed.quantity, parsed.unit) == (text, quantity, unit)


def test_a_count_unit_wins_over_a_measure_that_describes_the_goods() -> None:
    parsed = parse_need("keripik singkong 250 gr 5.000 bungkus")
    assert (parsed.quantity, parsed.unit) == (5000, "bungkus")
    assert parsed.text == "keripik singkong 250 gr"


def test_a_number_without_a_unit_is_part_of_the_text() -> None:
    parsed = parse_need("tinta printer 664 isi ulang")
    assert parsed == ParsedNeed(text="tinta printer 664 isi ulang")


@pytest.mark.parametrize(
    ("sentence", "certs"),
    [
        ("madu 10 botol halal", ("halal",)),
        ("helm SNI 20 buah", ("sni",)),
        ("sirup BPOM 5 dus", ("bpom_md",)),
        ("sirup bpom md 5 dus", ("bpom_md",)),
        ("sambal PIRT 5 dus", ("spp_irt",)),
        ("sambal p-irt 5 dus", ("spp_irt",)),
        ("sambal SPP-IRT 5 dus", ("spp_irt",)),
        ("meja ISO 9001 10 unit", ("iso_9001",)),
        ("kursi kayu svlk 10 unit", ("svlk",)),
        ("nugget haccp 10 dus", ("haccp",)),
        ("sayur 20 kg, organik", ("organik",)),
        ("beras bersertifikat organik 20 kg", ("organik",)),
        ("kopi bersertifikat halal dan SNI", ("halal", "sni")),
    ],
)
def test_certificate_words(sentence: str, certs: tuple[str, ...]) -> None:
    parsed = parse_need(sentence)
    assert parsed.certs == certs
    for word in ("halal", "sni", "bpom", "irt", "9001", "svlk", "haccp", "sertifikat"):
        assert word not in parsed.text.lower()


def test_organic_goods_are_not_an_organic_certificate() -> None:
    parsed = parse_need("pupuk organik 50 karung")
    assert parsed.certs == ()
    assert parsed.text == "pupuk organik"


@pytest.mark.parametrize(
    ("sentence", "place", "text"),
    [
        ("keripik 100 bungkus dikirim ke Kota Pontianak", "Kota Pontianak", "keripik"),
        ("keripik 100 bungkus, kirim ke kab. sambas", "kab. sambas", "keripik"),
        ("keripik 100 bungkus antar ke Singkawang", "Singkawang", "keripik"),
        ("keripik 100 bungkus di Pontianak", "Pontianak", "keripik"),
        ("keripik 100 bungkus ke Kab. Sambas", "Kab. Sambas", "keripik"),
        ("keripik 100 bungkus, tujuan Kota Bandung", "Kota Bandung", "keripik"),
    ],
)
def test_place_phrases(sentence: str, place: str, text: str) -> None:
    parsed = parse_need(sentence)
    assert (parsed.place, parsed.text) == (place, text)


def test_a_lower_case_di_is_no_place() -> None:
    parsed = parse_need("tas yang bisa di cuci 10 buah")
    assert parsed.place is None
    assert "cuci" in parsed.text


def test_request_words_and_filler_go() -> None:
    parsed = parse_need("Butuh keripik pisang sebanyak 300 bungkus")
    assert (parsed.text, parsed.quantity) == ("keripik pisang", 300)


def test_nothing_recognised_leaves_the_text() -> None:
    assert parse_need("  kaos   polos  ") == ParsedNeed(text="kaos polos")
    assert parse_need("") == ParsedNeed(text="")


@pytest.mark.parametrize(
    ("sentence", "quantity", "unit"),
    [
        ("jasa katering 300 porsi harian", 300, "porsi"),
        ("seragam kerja 50 stel", 50, "set"),
        ("kambing aqiqah 20 ekor", 20, "ekor"),
        ("sayur bayam 100 ikat", 100, "ikat"),
    ],
)
def test_units_of_meals_clothes_animals_and_bundles(sentence: str, quantity: int, unit: str) -> None:
    parsed = parse_need(sentence)
    assert (parsed.quantity, parsed.unit) == (quantity, unit)
    assert str(quantity) not in parsed.text


@pytest.mark.parametrize(
    ("sentence", "place", "text"),
    [
        ("jasa katering 300 porsi harian Jakarta", "DKI Jakarta", "jasa katering harian"),
        ("nasi kotak 100 porsi kirim ke Jakarta", "DKI Jakarta", "nasi kotak"),
        ("nasi kotak 100 porsi kirim ke Jakarta Selatan", "Jakarta Selatan", "nasi kotak"),
        ("snack rapat 40 porsi di DKI Jakarta", "DKI Jakarta", "snack rapat"),
    ],
)
def test_jakarta_alone_is_the_province(sentence: str, place: str, text: str) -> None:
    parsed = parse_need(sentence)
    assert (parsed.place, parsed.text) == (place, text)
