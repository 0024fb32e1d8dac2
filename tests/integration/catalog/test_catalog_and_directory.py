"""Products and the supplier directory on a real database (FTS5 on SQLite, GIN on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session
from tests.factories.suppliers import add_cert, add_product, make_supplier, national_verifier

from rantai.catalog import directory
from rantai.catalog import service as catalog
from rantai.catalog.errors import ProductCodeTaken, ProductInvalid
from rantai.catalog.suggest import suggest
from rantai.identity.policy import Actor
from rantai.kit.pagination import PageRequest

PAGE = PageRequest(1, 25)


def _names(db: Session, actor: Actor | None = None, **query: object) -> list[str]:
    result = directory.search(db, directory.DirectoryQuery(**query), PAGE, actor=actor)  # type: ignore[arg-type]
    return [p.business_name for p in result.items]


def test_product_validation(db: Session) -> None:
    profile, _, owner = make_supplier(db)
    product = add_product(
        db,
        profile,
        owner,
        "Keripik Singkong Balado 250 g",
        code="KS-01",
        price_min=12000,
        unit_code="bungkus",
    )
    assert (product.price_min, product.price_max) == (12000, 12000)
    with pytest.raises(ProductCodeTaken):
        add_product(db, profile, owner, "Lain", code="KS-01")
    for bad in (
        {"price_min": 20000, "price_max": 10000},
        {"moq": 0},
        {"unit_code": "ember-besar"},
        {"kbli_code": "99999"},
    ):
        with pytest.raises(ProductInvalid):
            catalog.create_product(
                db, actor=owner, profile=profile, data=catalog.ProductData(name="X", **bad)
            )  # type: ignore[arg-type]


def test_directory_finds_by_word_variant_and_filters(db: Session) -> None:
    bandung, _, owner_b = make_supplier(db, status="verified", business_name="UD Rasa Priangan")
    add_product(db, bandung, owner_b, "Keripik Singkong Balado", capacity_per_month=5000)
    add_cert(db, bandung, owner_b, "halal")
    padang, _, owner_p = make_supplier(
        db, status="verified", business_name="Sanjai Amak", kabkota_code="13.71"
    )
    add_product(db, padang, owner_p, "Kripik sanjai pedas", capacity_per_month=300)
    pending, _, owner_x = make_supplier(db, status="submitted", business_name="Keripik Belum Verifikasi")
    add_product(db, pending, owner_x, "Keripik pisang")

    assert sorted(_names(db, text="keripik")) == ["Sanjai Amak", "UD Rasa Priangan"]  # kripik = keripik
    assert _names(db, text="keripik", province_code="32") == ["UD Rasa Priangan"]
    assert sorted(_names(db, text="kerip")) == ["Sanjai Amak", "UD Rasa Priangan"]  # prefix of the last word
    assert _names(db, text="keripik", certification_type="halal") == ["UD Rasa Priangan"]
    assert _names(db, text="keripik", min_capacity=1000) == ["UD Rasa Priangan"]
    verifier = national_verifier(db)
    assert "Keripik Belum Verifikasi" in _names(db, verifier, text="keripik", verified_only=False)
    assert _names(db, text="sepatu") == []


def test_archived_products_leave_the_directory(db: Session) -> None:
    profile, _, owner = make_supplier(db, status="verified", business_name="Batik Tulis Laweyan")
    product = add_product(db, profile, owner, "Kain batik tulis")
    catalog.set_active(db, actor=owner, profile=profile, product=product, active=False)
    directory.refresh(db, [profile.id])
    assert _names(db, text="kain") == []


def test_code_suggestions(db: Session) -> None:
    assert suggest(db, "Keripik singkong balado", "kbli")[0].code == "10794"
    assert suggest(db, "kopi bubuk robusta", "kbli")[0].code == "10761"
    assert any(s.code.startswith("09.01") for s in suggest(db, "kopi robusta", "hs"))
    assert suggest(db, "   ", "kbli") == []


def test_zero_lead_time_means_ready_stock(db: Session) -> None:
    profile, _, owner = make_supplier(db)
    assert add_product(db, profile, owner, "Keripik siap kirim", lead_time_days=0).lead_time_days == 0
    with pytest.raises(ProductInvalid):
        catalog.create_product(
            db, actor=owner, profile=profile, data=catalog.ProductData(name="X", lead_time_days=-1)
        )


def test_words_rank_the_directory_by_relevance_and_rows_show_what_matches(db: Session) -> None:
    """Issue #13: with words, the supplier whose catalog matches them best comes first, not the one whose
    name sorts first; its row names the matching products, their capacity and its valid certificates."""
    many, _, many_actor = make_supplier(db, status="verified", business_name="Zaitun Keripik Nusantara")
    for name in ("Keripik Singkong Balado", "Keripik Singkong Pedas", "Keripik Singkong Original"):
        add_product(db, many, many_actor, name, capacity_per_month=4000, unit_code="bungkus")
    add_product(db, many, many_actor, "Kopi Bubuk Robusta")
    add_cert(db, many, many_actor, "halal")
    once, _, once_actor = make_supplier(db, status="verified", business_name="Aneka Jaya Abadi")
    add_product(db, once, once_actor, "Meja kayu jati dengan laci singkong")
    add_product(db, once, once_actor, "Kursi rotan")
    add_product(db, once, once_actor, "Lemari pakaian")

    assert _names(db, text="keripik singkong") == ["Zaitun Keripik Nusantara"]
    assert _names(db, text="singkong") == ["Zaitun Keripik Nusantara", "Aneka Jaya Abadi"]
    assert _names(db, text="singkong", sort="name") == ["Aneka Jaya Abadi", "Zaitun Keripik Nusantara"]

    facts = directory.row_facts(db, [many.id, once.id], text_value="kopi", on=dt.date.today())  # noqa: DTZ011
    assert facts[many.id].products[0].name == "Kopi Bubuk Robusta"
    assert facts[many.id].product_count == 4 and len(facts[many.id].products) == 3
    assert facts[many.id].certifications == ("halal",)
    assert facts[once.id].certifications == ()
    assert facts[many.id].products[1].capacity_per_month == 4000
