"""Categories inferred where owners gave none (issue #14): training the classifier from what the platform
holds, keeping its model file, and storing its answers on the products when they are written.

- **Training** (`train`): the reference titles (KBLI 2020 classes, BTKI 2022 lines, the platform
  categories through their KBLI prefixes) and the products whose owners chose a category, KBLI or HS code
  (the newest `MAX_CONFIRMED` of them). Run by `rantai classify train` and by the worker's signal
  `catalog.classifier` (`catalog/tasks.py`), swept every minute, which retrains once the model is
  older than `RETRAIN_AFTER` (or when there is none).
- **The model file**: `RANTAI_DATA_DIR/models/category-<version>.pkl`, the version a digest of the
  examples; `models/category.current` names the one in use, and every inference stores the file's name
  (`Product.inferred_by`), so an answer can be traced to its model. Older files are kept (`KEEP_MODELS`)
  so that the answers they gave stay traceable for a while. The files, the pointer and each process's
  copy of the model are `kit.model_files`' (shared with the related words).
- **Inference when a product is written** (`infer_products`): the catalog service (form, API) and the
  import call it for products written without a category; the answer is stored on the product, so
  the index rebuild reads it and never classifies. Without a model file nothing is inferred.
- **After training** (`infer_stale`): products without a category whose answer came from another model
  (or none) are classified again, a batch at a time, and their suppliers queued for the index.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from rantai.catalog import index_changes
from rantai.catalog.classifier import CategoryModel, Example, Inference, reference_examples
from rantai.catalog.models import Category, Product
from rantai.db import table_of
from rantai.kit.clock import now
from rantai.kit.model_files import ModelFiles
from rantai.reference.models import HsCode, Kbli, KbliLevel
from rantai.settings import get_settings

log = logging.getLogger(__name__)

MODELS = "models"
MAX_CONFIRMED = 50_000  # owner-confirmed products learnt from (the newest)
RETRAIN_AFTER = dt.timedelta(days=1)
KEEP_MODELS = 5
MIN_CONFIDENCE = 0.05  # an answer less sure than this is not stored

FILES = ModelFiles("category", ".pkl", read=CategoryModel.load, keep=KEEP_MODELS)


@dataclass(frozen=True, slots=True)
class Trained:
    """What `train` made: the model file (its name is stored with each inference) and its examples."""

    path: Path
    version: str
    counts: dict[str, int]


def models_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or get_settings().data_dir) / MODELS


def training_examples(session: Session) -> list[Example]:
    """The reference titles and the owner-confirmed products, as the classifier learns from them."""
    kbli = session.execute(
        select(Kbli.code, Kbli.title, Kbli.description).where(Kbli.level == KbliLevel.CLASS.value)
    ).all()
    hs = session.execute(select(HsCode.code, HsCode.full_description_id).where(HsCode.level == 8)).all()
    prefixes = {
        code: prefixes.split()
        for code, prefixes in session.execute(select(Category.code, Category.kbli_prefixes))
    }
    examples = reference_examples(
        ((code, title, description or "") for code, title, description in kbli),
        ((code, description) for code, description in hs),
        prefixes,
    )
    confirmed = session.execute(
        select(Product.name, Product.description, Product.category_code, Product.kbli_code, Product.hs_code)
        .where(
            (Product.category_code.is_not(None))
            | (Product.kbli_code.is_not(None))
            | (Product.hs_code.is_not(None))
        )
        .order_by(Product.id.desc())
        .limit(MAX_CONFIRMED)
    ).all()
    for name, description, category, kbli_code, hs_code in confirmed:
        text = f"{name} {(description or '')[:200]}"
        examples.append(Example(text, category, kbli_code, hs_code[:5] if hs_code else None, confirmed=True))
    return examples


def train(session: Session, data_dir: Path | None = None) -> Trained:
    """Train a model on what the platform holds now, write its file and make it the one in use."""
    model = CategoryModel.train(training_examples(session))
    path = FILES.publish(models_dir(data_dir), model.version, model.save)
    log.info("category model %s trained: %s", path.name, model.counts)
    return Trained(path, model.version, model.counts)


def current(data_dir: Path | None = None) -> tuple[str, CategoryModel] | None:
    """The model in use (its file name and the model), loaded once per process and file; None if none."""
    return FILES.current(models_dir(data_dir))


def trained_at(data_dir: Path | None = None) -> dt.datetime | None:
    """When the model in use was made (its pointer file's time), or None."""
    return FILES.made_at(models_dir(data_dir))


def retrain_if_due(session: Session, data_dir: Path | None = None) -> Trained | None:
    """Train when there is no model or it is older than `RETRAIN_AFTER` (the scheduled job)."""
    if not FILES.due(models_dir(data_dir), RETRAIN_AFTER, now()):
        return None
    return train(session, data_dir)


def _kept(guess: Any) -> tuple[str | None, float | None]:
    if guess is None or guess.confidence < MIN_CONFIDENCE:
        return None, None
    return guess.code, guess.confidence


def inferred_values(inference: Inference, model_name: str) -> dict[str, Any]:
    """The product columns of one inference."""
    category, category_confidence = _kept(inference.category)
    kbli, kbli_confidence = _kept(inference.kbli)
    hs, hs_confidence = _kept(inference.hs)
    return {
        "inferred_category_code": category,
        "inferred_category_confidence": category_confidence,
        "inferred_kbli_code": kbli,
        "inferred_kbli_confidence": kbli_confidence,
        "inferred_hs_heading": hs,
        "inferred_hs_confidence": hs_confidence,
        "inferred_by": model_name,
    }


NOTHING_INFERRED: dict[str, Any] = dict.fromkeys(
    (
        "inferred_category_code",
        "inferred_category_confidence",
        "inferred_kbli_code",
        "inferred_kbli_confidence",
        "inferred_hs_heading",
        "inferred_hs_confidence",
        "inferred_by",
    )
)


def infer_texts(texts: Sequence[str], data_dir: Path | None = None) -> list[dict[str, Any]] | None:
    """The inferred columns for each text (a product's name and description), or None without a model."""
    loaded = current(data_dir)
    if loaded is None:
        return None
    name, model = loaded
    return [inferred_values(inference, name) for inference in model.infer(texts)]


def product_text(name: str, description: str | None) -> str:
    return f"{name} {(description or '')[:200]}"


def infer_products(session: Session, product_ids: Sequence[int], data_dir: Path | None = None) -> int:
    """Infer and store the categories of these products that have none given (the rest are left as
    they are); returns how many were classified. Nothing without a model."""
    if not product_ids:
        return 0
    rows = session.execute(
        select(Product.id, Product.name, Product.description).where(
            Product.id.in_(product_ids), Product.category_code.is_(None), Product.own_category.is_(None)
        )
    ).all()
    if not rows:
        return 0
    values = infer_texts([product_text(name, description) for _, name, description in rows], data_dir)
    if values is None:
        return 0
    # A Core UPDATE: the inference is not the owner's change, so neither the product's version (an edit
    # form open meanwhile stays valid) nor updated_at moves.
    table = table_of(Product)
    statement = (
        update(table)
        .where(table.c.id == bindparam("product_id"))
        .values(
            {**{column: bindparam(column) for column in NOTHING_INFERRED}, "updated_at": table.c.updated_at}
        )
    )
    session.execute(
        statement, [{"product_id": pid, **value} for (pid, _, _), value in zip(rows, values, strict=True)]
    )
    return len(rows)


BATCH = 2000


def infer_stale(session: Session, data_dir: Path | None = None, *, limit: int = BATCH) -> int:
    """Classify up to `limit` products without a category whose answer is not the current model's (older
    products, or a model retrained since), and queue their suppliers for the index; returns how many."""
    loaded = current(data_dir)
    if loaded is None:
        return 0
    name, _ = loaded
    rows = session.execute(
        select(Product.id, Product.supplier_id)
        .where(
            Product.category_code.is_(None),
            Product.own_category.is_(None),
            Product.is_active.is_(True),
            (Product.inferred_by.is_(None)) | (Product.inferred_by != name),
        )
        .order_by(Product.id)
        .limit(limit)
    ).all()
    if not rows:
        return 0
    done = infer_products(session, [pid for pid, _ in rows], data_dir)
    index_changes.mark(session, sorted({sid for _, sid in rows}))
    return done
